using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace NeuralNet.Notebooks;

/// <summary>
/// Overrides top-level variables of a chapter's parameters cell (the cell tagged <c>parameters</c>, as in
/// papermill): <c>var epochs = 10;</c> with <c>epochs=1</c> runs as <c>var epochs = 1;</c>. Only the
/// initial value is replaced, on the same line, so error line numbers stay right.
/// </summary>
public static class ParameterOverrides
{
    /// <summary>Parses <c>name=value</c> pairs (the <c>--set</c> options).</summary>
    /// <exception cref="ArgumentException">A pair has no <c>=</c> or an empty name.</exception>
    public static IReadOnlyDictionary<string, string> Parse(IEnumerable<string> pairs)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in pairs)
        {
            int at = pair.IndexOf('=');
            if (at <= 0)
            {
                throw new ArgumentException($"Expected name=value, got '{pair}'.", nameof(pairs));
            }

            result[pair[..at].Trim()] = pair[(at + 1)..].Trim();
        }

        return result;
    }

    /// <summary>The names the parameters cell assigns at top level, in order.</summary>
    public static IReadOnlyList<string> Names(string source) => FindAssignments(source).Select(a => a.Name).Distinct().ToArray();

    /// <summary>Returns <paramref name="source"/> with the named variables' initial values replaced.</summary>
    /// <param name="source">The parameters cell's code.</param>
    /// <param name="values">Values as C# expressions; a bare word for a string variable is quoted for you,
    /// and a number given for a <c>float</c>/<c>decimal</c>/<c>long</c> literal gets that literal's suffix.</param>
    /// <exception cref="ArgumentException">A name is not assigned at top level in the cell.</exception>
    public static string Apply(string source, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return source;
        }

        List<Assignment> assignments = FindAssignments(source);
        foreach (string name in values.Keys.Where(name => assignments.All(a => a.Name != name)))
        {
            string known = assignments.Count == 0 ? "none" : string.Join(", ", assignments.Select(a => a.Name).Distinct());
            throw new ArgumentException($"Parameter '{name}' is not assigned at top level in the parameters cell (it assigns: {known}).");
        }

        // Replace from the end so earlier spans stay valid; the last assignment of a name is the one that counts,
        // but replacing all of them keeps a cell like "var n = 10; n = 20;" honest too.
        string text = source;
        foreach (Assignment assignment in assignments.Where(a => values.ContainsKey(a.Name)).OrderByDescending(a => a.Value.SpanStart))
        {
            string replacement = Literal(values[assignment.Name], assignment.Value, assignment.DeclaredType);
            text = text[..assignment.Value.SpanStart] + replacement + text[assignment.Value.Span.End..];
        }

        return text;
    }

    private sealed record Assignment(string Name, ExpressionSyntax Value, TypeSyntax? DeclaredType);

    private static List<Assignment> FindAssignments(string source)
    {
        SyntaxTree tree = CSharpSyntaxTree.ParseText(source, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
        var root = (CompilationUnitSyntax)tree.GetRoot();
        var found = new List<Assignment>();
        foreach (MemberDeclarationSyntax member in root.Members)
        {
            switch (member)
            {
                // In a script, a top-level "var x = 1;" is a field of the script class.
                case FieldDeclarationSyntax field:
                    AddDeclarators(field.Declaration, found);
                    break;
                case GlobalStatementSyntax { Statement: LocalDeclarationStatementSyntax local }:
                    AddDeclarators(local.Declaration, found);
                    break;
                case GlobalStatementSyntax { Statement: ExpressionStatementSyntax { Expression: AssignmentExpressionSyntax { Left: IdentifierNameSyntax left } assign } }
                    when assign.IsKind(SyntaxKind.SimpleAssignmentExpression):
                    found.Add(new Assignment(left.Identifier.ValueText, assign.Right, null));
                    break;
            }
        }

        return found;
    }

    private static void AddDeclarators(VariableDeclarationSyntax declaration, List<Assignment> found)
    {
        foreach (VariableDeclaratorSyntax variable in declaration.Variables)
        {
            if (variable.Initializer is { } initializer)
            {
                found.Add(new Assignment(variable.Identifier.ValueText, initializer.Value, declaration.Type));
            }
        }
    }

    private static string Literal(string value, ExpressionSyntax original, TypeSyntax? declaredType)
    {
        bool isString = original is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.StringLiteralExpression } or InterpolatedStringExpressionSyntax
            || declaredType is PredefinedTypeSyntax { Keyword.RawKind: (int)SyntaxKind.StringKeyword };
        if (isString && !(value.StartsWith('"') && value.EndsWith('"') && value.Length >= 2))
        {
            return SymbolDisplay.FormatLiteral(value, quote: true);
        }

        if (original is LiteralExpressionSyntax { RawKind: (int)SyntaxKind.NumericLiteralExpression } number
            && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            string originalText = number.Token.Text;
            string suffix = new string(originalText.Reverse().TakeWhile(char.IsLetter).Reverse().ToArray());
            bool isHex = originalText.StartsWith("0x", StringComparison.OrdinalIgnoreCase) || originalText.StartsWith("0b", StringComparison.OrdinalIgnoreCase);
            if (suffix.Length > 0 && !isHex && !char.IsLetter(value[^1]))
            {
                return value + suffix;
            }
        }

        return value.ReplaceLineEndings(" ");
    }
}
