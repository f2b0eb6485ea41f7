using System.Net;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace NeuralNet.Notebooks;

/// <summary>
/// Highlights C# for the book with Roslyn's own lexer: keywords, strings, numbers, comments, directives
/// and type-looking names get a CSS class each. No JavaScript, so pages stay light and work offline.
/// </summary>
public static class CodeHighlighter
{
    /// <summary>The code as HTML (without the surrounding <c>pre</c>), every token wrapped in a classed span.</summary>
    public static string ToHtml(string code)
    {
        SyntaxNode root = CSharpSyntaxTree.ParseText(code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script)).GetRoot();
        var html = new StringBuilder(code.Length * 2);
        foreach (SyntaxToken token in root.DescendantTokens())
        {
            Token(token, html);
        }

        return html.ToString();
    }

    private static void Token(SyntaxToken token, StringBuilder html)
    {
        Trivia(token.LeadingTrivia, html);
        Span(token.Text, ClassOf(token), html);
        Trivia(token.TrailingTrivia, html);
    }

    private static void Trivia(SyntaxTriviaList trivia, StringBuilder html)
    {
        foreach (SyntaxTrivia item in trivia)
        {
            if (item.GetStructure() is { } structure)
            {
                // Directives (#r, #load, #nullable) and skipped text: tokens of their own, in place.
                foreach (SyntaxToken inner in structure.DescendantTokens())
                {
                    Token(inner, html);
                }

                continue;
            }

            SyntaxKind kind = item.Kind();
            string? css = kind switch
            {
                SyntaxKind.SingleLineCommentTrivia or SyntaxKind.MultiLineCommentTrivia
                    or SyntaxKind.SingleLineDocumentationCommentTrivia or SyntaxKind.MultiLineDocumentationCommentTrivia => "c",
                SyntaxKind.DisabledTextTrivia => "c",
                SyntaxKind.ShebangDirectiveTrivia => "d",
                _ => null,
            };
            Span(item.ToFullString(), css, html);
        }
    }

    private static string? ClassOf(SyntaxToken token)
    {
        if (token.Parent is { } parent && parent.AncestorsAndSelf().Any(n => n is Microsoft.CodeAnalysis.CSharp.Syntax.DirectiveTriviaSyntax))
        {
            return token.IsKind(SyntaxKind.StringLiteralToken) ? "s" : "d";
        }

        if (token.IsKeyword() || SyntaxFacts.IsContextualKeyword(token.Kind()) || token.Text is "var" or "await" or "async")
        {
            return token.Text is "var" && token.Parent is not Microsoft.CodeAnalysis.CSharp.Syntax.IdentifierNameSyntax ? null : "k";
        }

        return token.Kind() switch
        {
            SyntaxKind.StringLiteralToken or SyntaxKind.CharacterLiteralToken or SyntaxKind.InterpolatedStringStartToken
                or SyntaxKind.InterpolatedStringEndToken or SyntaxKind.InterpolatedStringTextToken
                or SyntaxKind.InterpolatedRawStringEndToken or SyntaxKind.InterpolatedSingleLineRawStringStartToken
                or SyntaxKind.InterpolatedMultiLineRawStringStartToken or SyntaxKind.SingleLineRawStringLiteralToken
                or SyntaxKind.MultiLineRawStringLiteralToken or SyntaxKind.Utf8StringLiteralToken => "s",
            SyntaxKind.NumericLiteralToken => "n",
            SyntaxKind.IdentifierToken when token.Text.Length > 0 && char.IsUpper(token.Text[0]) => "t",
            _ => null,
        };
    }

    private static void Span(string text, string? css, StringBuilder html)
    {
        if (text.Length == 0)
        {
            return;
        }

        string encoded = WebUtility.HtmlEncode(text);
        html.Append(css is null ? encoded : $"<span class=\"{css}\">{encoded}</span>");
    }
}
