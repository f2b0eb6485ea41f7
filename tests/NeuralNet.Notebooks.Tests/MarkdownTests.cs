namespace NeuralNet.Notebooks.Tests;

public sealed class MarkdownTests
{
    [Fact]
    public void Display_math_spanning_lines_in_a_paragraph_is_kept_whole_for_KaTeX()
    {
        string html = MarkdownRenderer.ToHtml("One product:\n\n$$\\underbrace{Z}_{B \\times 128} = X W,\n\\qquad Z_{ij} = \\sum_{k} X_{ik} W_{kj}$$\n\nThen more.");

        Assert.Contains("<span class=\"math display\">\\[\\underbrace{Z}_{B \\times 128} = X W,\n\\qquad Z_{ij} = \\sum_{k} X_{ik} W_{kj}\\]</span>", html);
        Assert.DoesNotContain("<em>", html);
    }

    [Fact]
    public void Inline_math_is_protected_from_markdown_and_html_encoded()
    {
        string html = MarkdownRenderer.ToHtml("# A layer: $Z = XW + b$\n\nWhere $a_i < b_i$ and *this* is emphasis.");

        Assert.Contains("<span class=\"math\">\\(Z = XW + b\\)</span></h1>", html);
        Assert.Contains("<span class=\"math\">\\(a_i &lt; b_i\\)</span>", html);
        Assert.Contains("<em>this</em>", html);
    }

    [Theory]
    [InlineData("Costs `$x$` in code.", "<code>$x$</code>")]
    [InlineData("```csharp\nvar s = $\"{x}\";\n```", "var s = $&quot;{x}&quot;;")]
    [InlineData("A lone \\$5 note.", "A lone $5 note.")]
    [InlineData("Only one $ sign here.", "Only one $ sign here.")]
    public void Dollars_in_code_escaped_or_unpaired_stay_text(string markdown, string expected)
    {
        string html = MarkdownRenderer.ToHtml(markdown);

        Assert.Contains(expected, html);
        Assert.DoesNotContain("class=\"math", html);
    }
}
