using System.Buffers.Binary;
using System.Diagnostics;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using StbImageWriteSharp;
using Xunit.Abstractions;
using static NeuralNet.Cli.Tests.PictureSamples;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// Picture reading (<see cref="ImageFiles.Read"/>, then <see cref="DigitImage.PrepareLikeMnist"/> as predict does)
/// against seeded mutations of valid PNG, JPEG (baseline, progressive, CMYK), BMP, GIF and PGM files: truncation,
/// bit flips, random bytes, length fields inflated, bytes inserted and deleted. A case fails when it runs past
/// <see cref="CaseLimit"/> (a hang), throws anything but <see cref="DataFileException"/> (or the "looks blank"
/// <see cref="ArgumentException"/>, which predict reports the same way), or allocates more than 256 MB. A failing
/// case is written to $NN_PICTURE_FUZZ_FAILURES when set, to be kept in images/regressions.
/// </summary>
public class PictureFuzzTests(ITestOutputHelper output)
{
    private const int CasesPerFormat = 400;
    private static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(3);
    private const long MaxAllocatedBytes = 256L << 20;

    public static TheoryData<string> Formats => ["PNG", "JPEG", "BMP", "GIF", "PGM"];

    [Theory]
    [MemberData(nameof(Formats))]
    public void Mutated_pictures_are_read_or_refused_with_one_data_error_in_bounded_time_and_memory(string format)
    {
        byte[][] seeds = Seeds(format);
        var random = new Random(23 + format.Length * 7 + format[0]);
        using var temp = new TempFolder();
        string file = temp.File("case." + format.ToLowerInvariant());
        int accepted = 0, refused = 0;
        double worstSeconds = 0;
        long worstAllocated = 0;
        var failures = new List<string>();
        for (int i = 0; i < CasesPerFormat; i++)
        {
            byte[] seed = seeds[i % seeds.Length];
            (byte[] bytes, string mutation) = Mutate(format, seed, random);
            File.WriteAllBytes(file, bytes);
            (Exception? error, double seconds, long allocated, bool finished) = ReadWithin(file);
            worstSeconds = Math.Max(worstSeconds, seconds);
            worstAllocated = Math.Max(worstAllocated, allocated);
            string? failure =
                !finished ? $"still running after {CaseLimit.TotalSeconds} s"
                : error is null or DataFileException || error is ArgumentException && error.Message.Contains("looks blank") ? null
                : $"undocumented {error.GetType().Name}: {error.Message}";
            if (failure is null && allocated > MaxAllocatedBytes) failure = $"allocated {allocated / 1e6:0} MB";
            if (failure is not null)
            {
                failures.Add($"case {i} ({mutation}, {bytes.Length} bytes): {failure}");
                Keep(format, i, bytes);
            }
            else if (error is null) accepted++;
            else refused++;
        }
        string report = $"{format}: {CasesPerFormat} cases from {seeds.Length} seeds, {accepted} read, {refused} refused, {failures.Count} failures; " +
                        $"worst {worstSeconds * 1000:0} ms, {worstAllocated / 1e6:0.0} MB allocated; process peak {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:0} MB";
        output.WriteLine(report);
        foreach (string failure in failures) output.WriteLine(failure);
        Assert.True(failures.Count == 0, report + "\n" + string.Join("\n", failures));
        Assert.True(refused > CasesPerFormat / 10, $"only {refused} refusals: are the mutations reaching the decoder?\n{report}");
    }

    // One case on its own thread, so that a hang is seen (and abandoned) instead of stalling the suite.
    private static (Exception? Error, double Seconds, long Allocated, bool Finished) ReadWithin(string file)
    {
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        Task<(Exception?, long)> task = Task.Factory.StartNew(() =>
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                DigitImage picture = ImageFiles.Read(file, stop.Token);
                picture.PrepareLikeMnist();
                return ((Exception?)null, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            catch (Exception e) { return (e, GC.GetAllocatedBytesForCurrentThread() - before); }
        }, TaskCreationOptions.LongRunning);
        bool finished = task.Wait(CaseLimit);
        if (!finished) stop.Cancel();
        return finished ? (task.Result.Item1, clock.Elapsed.TotalSeconds, task.Result.Item2, true) : (null, clock.Elapsed.TotalSeconds, 0, false);
    }

    private static void Keep(string format, int index, byte[] bytes)
    {
        if (Environment.GetEnvironmentVariable("NN_PICTURE_FUZZ_FAILURES") is not { Length: > 0 } folder) return;
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, $"fuzz-{format.ToLowerInvariant()}-{index}.{Extension(format)}"), bytes);
    }

    private static string Extension(string format) => format switch { "JPEG" => "jpg", _ => format.ToLowerInvariant() };

    // Valid files of the format: the samples beside the tests and a digit written by the encoders here.
    private static byte[][] Seeds(string format)
    {
        DigitImage digit = DrawnDigit();
        byte[] grey = digit.ToBytes();
        byte[] Encode(Action<ImageWriter, Stream> write)
        {
            var stream = new MemoryStream();
            write(new ImageWriter(), stream);
            return stream.ToArray();
        }
        byte[] Pgm(bool plainText)
        {
            var stream = new MemoryStream();
            PgmImage.Write(stream, digit, plainText);
            return stream.ToArray();
        }
        return format switch
        {
            "PNG" => [.. new[] { "interlaced.png", "palette-alpha.png", "grey-16bit.png", "1bit.png", "rgba-16bit.png" }.Select(n => File.ReadAllBytes(Sample(n))),
                      Encode((w, s) => w.WritePng(grey, 28, 28, ColorComponents.Grey, s))],
            "JPEG" => [File.ReadAllBytes(Sample("progressive.jpg")), File.ReadAllBytes(Sample("cmyk.jpg")),
                       Encode((w, s) => w.WriteJpg(grey, 28, 28, ColorComponents.Grey, s, 90))],
            "BMP" => [Encode((w, s) => w.WriteBmp(grey, 28, 28, ColorComponents.Grey, s))],
            "GIF" => [File.ReadAllBytes(Sample("animated.gif"))],
            _ => [Pgm(plainText: false), Pgm(plainText: true)],
        };
    }

    private static DigitImage DrawnDigit()
    {
        float[] pixels = new float[28 * 28];
        for (int r = 5; r < 23; r++)
            for (int c = 0; c < 28; c++)
                if (Math.Abs(c - 14 - (r - 14) / 3) < 2) pixels[r * 28 + c] = 1f; // a slanted "1"
        return new DigitImage(28, 28, pixels);
    }

    private static (byte[] Bytes, string Mutation) Mutate(string format, byte[] seed, Random random)
    {
        byte[] b = (byte[])seed.Clone();
        switch (random.Next(6))
        {
            case 0:
                return (b[..random.Next(b.Length)], "truncation");
            case 1:
                for (int n = random.Next(1, 9); n > 0; n--) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                return (b, "bit flips");
            case 2:
                for (int n = random.Next(1, 5); n > 0; n--) b[random.Next(b.Length)] = (byte)random.Next(256);
                return (b, "random bytes");
            case 3:
            {
                int at = random.Next(b.Length + 1);
                byte[] inserted = new byte[random.Next(1, 65)];
                random.NextBytes(inserted);
                return ([.. b[..at], .. inserted, .. b[at..]], "insertion");
            }
            case 4:
            {
                int at = random.Next(b.Length), length = random.Next(1, Math.Min(64, b.Length - at) + 1);
                return ([.. b[..at], .. b[(at + length)..]], "deletion");
            }
            default:
                return InflateLengthField(format, b, random);
        }
    }

    private static readonly uint[] Edges = [0, 1, 2, 3, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 1 << 20, 6000, 46341];

    // A length or size field of the format set to an edge value (bigger than the file, zero, negative when signed).
    private static (byte[] Bytes, string Mutation) InflateLengthField(string format, byte[] b, Random random)
    {
        uint value = random.Next(3) == 0 ? (uint)random.NextInt64(0, uint.MaxValue) : Edges[random.Next(Edges.Length)];
        List<(int Offset, int Size, bool BigEndian)> fields = [];
        switch (format)
        {
            case "PNG":
                for (int at = 8; at + 8 <= b.Length; at += 12 + (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)), int.MaxValue - 12))
                {
                    fields.Add((at, 4, true));
                    if (b.AsSpan(at + 4, 4).SequenceEqual("IHDR"u8)) { fields.Add((at + 8, 4, true)); fields.Add((at + 12, 4, true)); }
                    if (at + 12L + BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at)) > b.Length) break;
                }
                break;
            case "JPEG":
                for (int at = 2; at + 4 <= b.Length && b[at] == 0xFF;)
                {
                    byte marker = b[at + 1];
                    if (marker == 0xD9 || marker == 0xDA) { if (marker == 0xDA) fields.Add((at + 2, 2, true)); break; }
                    fields.Add((at + 2, 2, true));
                    if (marker is 0xC0 or 0xC2) { fields.Add((at + 5, 2, true)); fields.Add((at + 7, 2, true)); } // height, width
                    at += 2 + BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at + 2));
                }
                break;
            case "BMP":
                fields.AddRange([(2, 4, false), (10, 4, false), (14, 4, false), (18, 4, false), (22, 4, false), (34, 4, false), (46, 4, false)]);
                break;
            case "GIF":
                fields.AddRange([(6, 2, false), (8, 2, false)]);
                for (int at = 13; at < b.Length; at++) if (b[at] == 0x2C && at + 9 < b.Length) { fields.Add((at + 5, 2, false)); fields.Add((at + 7, 2, false)); }
                break;
            default:
            {
                // PGM: the header's numbers, as text: replace one by a large or zero value.
                string text = System.Text.Encoding.ASCII.GetString(b, 0, Math.Min(b.Length, 40));
                string[] numbers = ["0", "1", "65535", "65536", "99999999", "2147483647", "46341", "6000"];
                int which = random.Next(3);
                System.Text.RegularExpressions.Match match = System.Text.RegularExpressions.Regex.Matches(text, @"(?<=\s)\d+")[which];
                byte[] replacement = System.Text.Encoding.ASCII.GetBytes(numbers[random.Next(numbers.Length)]);
                return ([.. b[..match.Index], .. replacement, .. b[(match.Index + match.Length)..]], "header number");
            }
        }
        fields.RemoveAll(f => f.Offset + f.Size > b.Length);
        if (fields.Count == 0) return (b[..(b.Length / 2)], "truncation");
        (int offset, int size, bool bigEndian) = fields[random.Next(fields.Count)];
        if (size == 2) { if (bigEndian) BinaryPrimitives.WriteUInt16BigEndian(b.AsSpan(offset), (ushort)value); else BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(offset), (ushort)value); }
        else if (bigEndian) BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(offset), value);
        else BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(offset), value);
        return (b, "length field");
    }
}
