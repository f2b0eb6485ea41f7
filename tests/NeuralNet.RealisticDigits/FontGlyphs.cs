using System.Diagnostics;
using NeuralNet.Data;

namespace NeuralNet.RealisticDigits;

/// <summary>
/// Digits rendered from the handwriting fonts Debian packages, by ImageMagick's <c>convert</c>
/// (<c>apt-get install imagemagick fonts-dkg-handwriting fonts-breip fonts-bwht fonts-humor-sans
/// fonts-comic-neue fonts-dancingscript fonts-rufscript fonts-klee fonts-yusei-magic</c>).
/// </summary>
public static class FontGlyphs
{
    /// <summary>The fonts, by file. Outline-only and display fonts were left out: nobody writes digits like them.</summary>
    public static readonly string[] Files =
    [
        "/usr/share/fonts/truetype/fifthhorseman/dkg.ttf",
        "/usr/share/fonts/truetype/fifthhorseman/dkgBd.ttf",
        "/usr/share/fonts/truetype/breip/Breip.ttf",
        "/usr/share/fonts/opentype/bwht/BecauseWeBuild-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeConnect-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeCreate-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeLearn-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeMentor-Regular.otf",
        "/usr/share/fonts/opentype/bwht/BecauseWeOrganize-Regular.otf",
        "/usr/share/fonts/truetype/humor-sans/Humor-Sans.ttf",
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Regular.otf",
        "/usr/share/fonts/opentype/comic-neue/ComicNeue-Bold.otf",
        "/usr/share/fonts/opentype/dancingscript/DancingScript-Regular.otf",
        "/usr/share/fonts/truetype/rufscript/Rufscript010.ttf",
        "/usr/share/fonts/truetype/klee/KleeOne-Regular.ttf",
        "/usr/share/fonts/truetype/yusei-magic/YuseiMagic-Regular.ttf",
    ];

    /// <summary>Throws, naming what to install, if convert or a font is missing.</summary>
    public static void CheckInstalled()
    {
        string[] missing = Files.Where(f => !File.Exists(f)).ToArray();
        if (missing.Length > 0) throw new InvalidOperationException("Missing fonts: " + string.Join(", ", missing) + ". Install the packages listed in FontGlyphs.cs.");
    }

    /// <summary>Renders <paramref name="digit"/> in <paramref name="font"/> about 160 px tall, as an ink mask trimmed to the ink.</summary>
    public static InkImage Render(string font, int digit)
    {
        var start = new ProcessStartInfo("convert")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "-background", "black", "-fill", "white", "-font", font, "-pointsize", "200",
                     $"label:{digit}", "-bordercolor", "black", "-border", "20", "-depth", "8", "pgm:-" })
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start ImageMagick's convert.");
        using var bytes = new MemoryStream();
        process.StandardOutput.BaseStream.CopyTo(bytes);
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"convert failed for {font} '{digit}': {error}");
        DigitImage image = PgmImage.Read(bytes.ToArray(), $"{Path.GetFileName(font)} {digit}");
        return new InkImage(image.Width, image.Height, image.Pixels).Trim(4);
    }
}
