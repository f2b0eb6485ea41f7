using System.Buffers.Binary;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace NeuralNet.Tests.Fuzz;

/// <summary>
/// A seeded mutation fuzzer for the file readers: it damages a valid seed file (bit flips, random bytes,
/// truncation, insertion, deletion, header fields set to edge values, texts replaced), hands the result to a
/// reader and records what happened. A case fails when the reader throws anything but its documented
/// exception, takes more than <see cref="MaxSeconds"/>, or allocates more than <see cref="MaxAllocatedBytes"/>.
/// Used by the test suite (a few thousand cases) and by the benchmark command (<c>fuzz</c>, 100,000).
/// </summary>
public static class InputFuzzer
{
    /// <summary>The most one case may take.</summary>
    public const double MaxSeconds = 2;

    /// <summary>The most one case may allocate (on its thread).</summary>
    public const long MaxAllocatedBytes = 256L << 20;

    /// <summary>A field of a seed file that header mutations aim at.</summary>
    /// <param name="Offset">Where it starts.</param>
    /// <param name="Length">Its length in bytes (the whole text, prefix included, for a text).</param>
    /// <param name="IsText">A length-prefixed UTF-8 text (else a 32-bit integer).</param>
    /// <param name="BigEndian">How an integer is stored.</param>
    public sealed record Field(int Offset, int Length, bool IsText, bool BigEndian);

    /// <summary>What to fuzz.</summary>
    /// <param name="Name">For the report, e.g. <c>model file (resealed)</c>.</param>
    /// <param name="Seeds">Valid files to start from, each with its header fields.</param>
    /// <param name="Read">Reads one file; returns normally if it was accepted.</param>
    /// <param name="Documented">The exception types a refusal may have.</param>
    /// <param name="AfterMutation">Applied to every mutated file, e.g. recomputing a checksum; null for none.</param>
    public sealed record Target(string Name, IReadOnlyList<(byte[] Bytes, Field[] Fields)> Seeds, Action<byte[]> Read,
        Type[] Documented, Func<byte[], byte[]>? AfterMutation = null);

    /// <summary>The outcome of a run.</summary>
    public sealed class Report(string name)
    {
        public string Name { get; } = name;
        public int Cases { get; set; }
        public int Accepted { get; set; }
        public int Refused { get; set; }
        public Dictionary<string, int> Mutations { get; } = [];
        public Dictionary<string, int> Refusals { get; } = [];
        public List<string> Failures { get; } = [];
        public double MaxSecondsSeen { get; set; }
        public long MaxAllocatedSeen { get; set; }
        public double TotalSeconds { get; set; }

        public override string ToString()
        {
            var text = new StringBuilder();
            text.AppendLine($"{Name}: {Cases:N0} cases, {Accepted:N0} accepted, {Refused:N0} refused, {Failures.Count} failures; " +
                            $"slowest {MaxSecondsSeen * 1000:0.0} ms, most allocated {MaxAllocatedSeen / 1e6:0.00} MB, total {TotalSeconds:0.0} s");
            text.AppendLine("  mutations: " + string.Join(", ", Mutations.OrderByDescending(m => m.Value).Select(m => $"{m.Key} {m.Value:N0}")));
            foreach ((string? kind, int count) in Refusals.OrderByDescending(r => r.Value).Take(25)) text.AppendLine($"  {count,7:N0}  {kind}");
            foreach (string failure in Failures.Take(10)) text.AppendLine($"  FAILURE {failure}");
            return text.ToString();
        }
    }

    /// <summary>Runs <paramref name="cases"/> mutations of the target's seeds, drawn from <paramref name="seed"/>.</summary>
    public static Report Run(Target target, int cases, int seed)
    {
        var report = new Report(target.Name);
        var random = new Random(seed);
        foreach ((byte[]? bytes, Field[] _) in target.Seeds) target.Read(bytes);   // the seeds load (and the code is compiled) before timing
        var total = Stopwatch.StartNew();
        for (int i = 0; i < cases; i++)
        {
            (byte[]? seedBytes, Field[]? fields) = target.Seeds[random.Next(target.Seeds.Count)];
            (byte[] mutated, string mutation) = Mutate(seedBytes, fields, random);
            if (target.AfterMutation is not null) mutated = target.AfterMutation(mutated);
            report.Mutations[mutation] = report.Mutations.GetValueOrDefault(mutation) + 1;

            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            Exception? error = null;
            try { target.Read(mutated); }
            catch (Exception e) { error = e; }
            double seconds = clock.Elapsed.TotalSeconds;
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

            report.Cases++;
            report.MaxSecondsSeen = Math.Max(report.MaxSecondsSeen, seconds);
            report.MaxAllocatedSeen = Math.Max(report.MaxAllocatedSeen, allocated);
            string describe() => $"case {i} (seed {seed}, {mutation}, {mutated.Length} bytes, first 48: {Convert.ToHexString(mutated.AsSpan(0, Math.Min(48, mutated.Length)))})";
            if (error is null) report.Accepted++;
            else if (target.Documented.Contains(error.GetType()))
            {
                report.Refused++;
                string kind = Kind(error.Message);
                report.Refusals[kind] = report.Refusals.GetValueOrDefault(kind) + 1;
            }
            else report.Failures.Add($"{describe()}: undocumented {error.GetType().Name}: {error.Message}");
            if (seconds > MaxSeconds) report.Failures.Add($"{describe()}: took {seconds:0.00} s");
            if (allocated > MaxAllocatedBytes) report.Failures.Add($"{describe()}: allocated {allocated / 1e6:0} MB");
        }
        report.TotalSeconds = total.Elapsed.TotalSeconds;
        return report;
    }

    // One random damage, named for the report.
    private static (byte[] Bytes, string Mutation) Mutate(byte[] seed, Field[] fields, Random random)
    {
        byte[] b = (byte[])seed.Clone();
        switch (random.Next(7))
        {
            case 0:
                for (int n = random.Next(1, 9); n > 0; n--) b[random.Next(b.Length)] ^= (byte)(1 << random.Next(8));
                return (b, "bit flips");
            case 1:
                for (int n = random.Next(1, 5); n > 0; n--) b[random.Next(b.Length)] = (byte)random.Next(256);
                return (b, "random bytes");
            case 2:
                return (b[..random.Next(b.Length)], "truncation");
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
            {
                Field field = fields[random.Next(fields.Length)];
                return field.IsText
                    ? ([.. b[..field.Offset], .. Text(random), .. b[(field.Offset + field.Length)..]], "header text")
                    : (SetInt(b, field, EdgeValue(random)), "header field");
            }
        }
    }

    private static readonly int[] Edges = [0, 1, 2, -1, -2, 3, 7, 8, 255, 256, 65535, 65536, 1 << 24, int.MaxValue, int.MinValue, int.MaxValue / 4, 1_000_000, 2_700_000, 46341];

    private static int EdgeValue(Random random) => random.Next(4) == 0 ? random.Next(int.MinValue, int.MaxValue) : Edges[random.Next(Edges.Length)];

    private static byte[] SetInt(byte[] b, Field field, int value)
    {
        if (field.BigEndian) BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(field.Offset), value);
        else BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(field.Offset), value);
        return b;
    }

    private static readonly string[] Texts =
    [
        "", "0", "-1", "1", "2", "3", "28", "2147483647", "2147483648", "-2147483648", "99999999999", "1e308", "NaN", "Infinity",
        "-Infinity", "0.5", "1.5", "-0.1", "1E-45", "Linear", "Conv2D", "BatchNorm", "MaxPool2D", "Dropout", "Flatten", "ReLU", "Softmax",
        "GELU", "LeakyReLU", "inputs", "outputs", "features", "channels", "height", "width", "kernel", "stride", "padding", "size",
        "rate", "seed", "momentum", "epsilon", "slope", "filters", "W", "b", "gamma", "beta", "running_mean", "running_var",
        "\u001b[2J", "é", "\0", " 7", "7 ", "+7", "0x10", "1_000",
    ];

    // A length-prefixed text as BinaryWriter writes it: usually one of the interesting values, sometimes bad UTF-8 or a bad prefix.
    private static byte[] Text(Random random)
    {
        switch (random.Next(10))
        {
            case 0: return [3, 0xC3, 0x28, 0xFF];                    // not UTF-8
            case 1: return [0xFF, 0xFF, 0xFF, 0xFF, 0x0F];           // a length prefix past 2^31
            case 2: return [0x80, 0x80, 0x01, (byte)'x'];            // a length of 16,384 and one byte
            default:
            {
                byte[] utf8 = Encoding.UTF8.GetBytes(Texts[random.Next(Texts.Length)]);
                return [(byte)utf8.Length, .. utf8];
            }
        }
    }

    /// <summary>The header fields of a model file written by ModelFile.Save: counts, sizes and texts.</summary>
    public static Field[] ModelFields(byte[] file)
    {
        var fields = new List<Field>();
        int at = 10;
        int Int()
        {
            fields.Add(new Field(at, 4, false, false));
            int value = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(at));
            at += 4;
            return value;
        }
        void Text()
        {
            int length = file[at];   // the seeds' texts are all shorter than 128 bytes: a one-byte prefix
            fields.Add(new Field(at, 1 + length, true, false));
            at += 1 + length;
        }
        bool hasState = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(8)) >= 2;
        int layers = Int();
        for (int l = 0; l < layers; l++)
        {
            Text();
            int settings = Int();
            for (int s = 0; s < 2 * settings; s++) Text();
            for (int section = 0; section < (hasState ? 2 : 1); section++)
            {
                int tensors = Int();
                for (int t = 0; t < tensors; t++)
                {
                    Text();
                    int rows = Int(), cols = Int();
                    at += 4 * rows * cols;
                }
            }
        }
        return [.. fields];
    }

    /// <summary>The header fields of an IDX file: the type code and dimension count (as the magic word) and each dimension.</summary>
    public static Field[] IdxFields(byte[] raw)
    {
        var fields = new List<Field> { new(0, 4, false, true) };
        for (int d = 0; d < raw[3]; d++) fields.Add(new Field(4 + 4 * d, 4, false, true));
        return [.. fields];
    }

    /// <summary>Replaces a model file's SHA-256 trailer by that of its (mutated) content, so the parser behind the check is reached.</summary>
    public static byte[] Reseal(byte[] file) => file.Length < 32 ? file : [.. file[..^32], .. SHA256.HashData(file.AsSpan(0, file.Length - 32))];

    // A refusal's message as a kind: the file name, numbers and quoted texts taken out.
    private static string Kind(string message)
    {
        string text = message[(message.IndexOf(": ", StringComparison.Ordinal) + 2)..];
        text = text.Replace("cannot rebuild the network: ", "");
        text = Regex.Replace(text, "'[^']*'|\"[^\"]*\"", "'…'");
        text = Regex.Replace(text, @"-?\d[\d,.E+-]*", "N");
        text = Regex.Replace(text, @"\((Linear|Conv2D|BatchNorm|MaxPool2D|Dropout|Flatten|ReLU|Softmax|GELU|LeakyReLU|Tanh|Sigmoid)[^)]*\)", "(…)");
        text = text.Split(['\n'])[0];
        return text.Length <= 90 ? text : text[..90] + "…";
    }
}
