using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Markdig;

namespace NeuralNet.Notebooks;

/// <summary>
/// Renders a markdown cell as Jupyter and VS Code do: the math (<c>$...$</c>, and <c>$$...$$</c> even when it
/// spans lines inside a paragraph) is taken out before Markdig sees it, so underscores and backslashes in TeX
/// are never read as Markdown, and put back as <c>\(...\)</c> / <c>\[...\]</c> for KaTeX's auto-render.
/// </summary>
internal static partial class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    public static string ToHtml(string markdown)
    {
        var math = new List<(string Tex, bool Display)>();
        string protectedText = Protect(markdown, math);
        string html = Markdown.ToHtml(protectedText, Pipeline);
        return math.Count == 0 ? html : Placeholder().Replace(html, match =>
        {
            (string? tex, bool display) = math[int.Parse(match.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture)];
            string encoded = WebUtility.HtmlEncode(tex);
            return display
                ? $"<span class=\"math display\">\\[{encoded}\\]</span>"
                : $"<span class=\"math\">\\({encoded}\\)</span>";
        });
    }

    [GeneratedRegex("MATHxPLACEHOLDERx(?<n>[0-9]+)x")]
    private static partial Regex Placeholder();

    private static string Protect(string text, List<(string Tex, bool Display)> math)
    {
        var result = new StringBuilder(text.Length);
        int i = 0;
        bool atLineStart = true;
        while (i < text.Length)
        {
            // Fenced code blocks and inline code keep their dollars.
            if (atLineStart && FenceAt(text, i) is { } fence)
            {
                int end = text.IndexOf("\n" + fence, i + fence.Length, StringComparison.Ordinal);
                int stop = end < 0 ? text.Length : text.IndexOf('\n', end + 1 + fence.Length) is var nl and >= 0 ? nl : text.Length;
                result.Append(text, i, stop - i);
                i = stop;
                atLineStart = false;
                continue;
            }

            char c = text[i];
            if (c == '`')
            {
                int run = 1;
                while (i + run < text.Length && text[i + run] == '`')
                {
                    run++;
                }

                int close = text.IndexOf(new string('`', run), i + run, StringComparison.Ordinal);
                int stop = close < 0 ? i + run : close + run;
                result.Append(text, i, stop - i);
                i = stop;
                atLineStart = false;
                continue;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                result.Append(text, i, 2);
                i += 2;
                atLineStart = false;
                continue;
            }

            if (c == '$')
            {
                bool display = i + 1 < text.Length && text[i + 1] == '$';
                int open = display ? 2 : 1;
                int close = FindClosing(text, i + open, display);
                if (close > i + open)
                {
                    math.Add((text[(i + open)..close], display));
                    result.Append("MATHxPLACEHOLDERx").Append(math.Count - 1).Append('x');
                    i = close + open;
                    atLineStart = false;
                    continue;
                }
            }

            result.Append(c);
            atLineStart = c == '\n';
            i++;
        }

        return result.ToString();
    }

    // The closing delimiter: "$$" anywhere before a blank line, or "$" before a blank line, not escaped.
    private static int FindClosing(string text, int from, bool display)
    {
        for (int j = from; j < text.Length; j++)
        {
            switch (text[j])
            {
                case '\\':
                    j++;
                    break;
                case '\n' when IsBlankLineAfter(text, j):
                    return -1;
                case '$' when display && j + 1 < text.Length && text[j + 1] == '$':
                    return j;
                case '$' when !display:
                    return j;
            }
        }

        return -1;
    }

    private static bool IsBlankLineAfter(string text, int newline)
    {
        for (int k = newline + 1; k < text.Length && text[k] != '\n'; k++)
        {
            if (!char.IsWhiteSpace(text[k]))
            {
                return false;
            }
        }

        return true;
    }

    private static string? FenceAt(string text, int i)
    {
        int j = i;
        while (j < text.Length && j - i < 3 && text[j] == ' ')
        {
            j++;
        }

        foreach (string fence in new[] { "```", "~~~" })
        {
            if (string.CompareOrdinal(text, j, fence, 0, 3) == 0)
            {
                return fence;
            }
        }

        return null;
    }
}
