using System.IO.Compression;
using NeuralNet.Data;
using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;
using Model = NeuralNet.Serialization.ModelFile;

namespace NeuralNet.Tests.Fuzz;

/// <summary>
/// The readers under fuzzing and their seed files, written with the library's own writers: model files
/// (a dense network in format version 1, and a CNN with every image layer and batch-norm state in version 2)
/// and IDX files (images, labels, floats, integers), raw and gzip.
/// </summary>
public static class FuzzTargets
{
    /// <summary>All targets; model files are read from <paramref name="scratchFolder"/>.</summary>
    public static InputFuzzer.Target[] All(string scratchFolder) =>
    [
        ModelFiles(scratchFolder, resealed: true),
        ModelFiles(scratchFolder, resealed: false),
        Idx(gzip: false),
        Idx(gzip: true),
        IdxCompressedAfterMutation(),
    ];

    /// <summary>Model files, mutated; with <paramref name="resealed"/> the checksum is recomputed so that the parser is reached.</summary>
    public static InputFuzzer.Target ModelFiles(string scratchFolder, bool resealed)
    {
        string path = resealed ? "fuzz-resealed.nnm" : "fuzz.nnm";
        (byte[] bytes, InputFuzzer.Field[])[] seeds = ModelSeeds(scratchFolder).Select(bytes => (bytes, InputFuzzer.ModelFields(bytes))).ToArray();
        return new InputFuzzer.Target(
            resealed ? "model file, checksum recomputed after mutation" : "model file, mutated as is",
            seeds,
            bytes =>
            {
                Sequential network = Model.Load(new MemoryStream(bytes, writable: false), path);
                network.Forward(new Matrix(1, network.InputSize));   // an accepted file must also work
            },
            [typeof(ModelFormatException)],
            resealed ? InputFuzzer.Reseal : null);
    }

    /// <summary>IDX files, raw or gzip-compressed, mutated as they are stored.</summary>
    public static InputFuzzer.Target Idx(bool gzip) => new(
        gzip ? "IDX gzip, compressed bytes mutated" : "IDX raw",
        IdxSeeds().Select(raw => gzip ? (Gzip(raw), GzipFields(Gzip(raw))) : (raw, InputFuzzer.IdxFields(raw))).ToArray(),
        ReadIdx,
        [typeof(DataFileException)]);

    /// <summary>IDX content mutated and then compressed: valid gzip around crafted headers (huge dimensions, short data).</summary>
    public static InputFuzzer.Target IdxCompressedAfterMutation() => new(
        "IDX gzip, content mutated then compressed",
        IdxSeeds().Select(raw => (raw, InputFuzzer.IdxFields(raw))).ToArray(),
        ReadIdx,
        [typeof(DataFileException)],
        Gzip);

    // An accepted file is also turned into a dataset when it looks like images (that check is fuzzed too).
    private static void ReadIdx(byte[] bytes)
    {
        IdxArray array = IdxFile.Read(new MemoryStream(bytes), "fuzz.idx");
        if (array.Dimensions.Length == 3 && array.DataType == IdxDataType.UnsignedByte)
        {
            var labels = IdxArray.FromBytes(Enumerable.Range(0, array.Dimensions[0]).Select(i => (byte)(i % 10)).ToArray(), array.Dimensions[0]);
            IdxDataset.ToImageDataset("fuzz", array, "fuzz.idx", labels, "labels.idx", Enumerable.Range(0, 10).Select(c => c.ToString()).ToArray());
        }
    }

    private static byte[][] ModelSeeds(string scratchFolder)
    {
        var random = new Random(1);
        var dense = new Sequential(new Linear(6, 5, Init.He, random), new ReLU(), new Linear(5, 3, Init.Xavier, random), new Softmax());
        var conv = new Conv2D(new ImageShape(1, 6, 6), 2, 3, padding: 1, random: random);
        var pool = new MaxPool2D(conv.OutputShape, 2);
        var cnn = new Sequential(conv, new BatchNorm(conv.OutputShape), new LeakyReLU(0.1), pool, new Flatten(), new GELU(),
            new Linear(pool.OutputShape.Size, 4, Init.He, random), new BatchNorm(4), new Tanh(), new Dropout(0.2), new Linear(4, 3, Init.Xavier, random), new Sigmoid());
        return [Save(dense, scratchFolder, "dense"), Save(cnn, scratchFolder, "cnn")];
    }

    private static byte[] Save(Sequential network, string folder, string name)
    {
        string path = Path.Combine(folder, $"seed-{name}.nnm");
        Model.Save(network, path);
        return File.ReadAllBytes(path);
    }

    private static byte[][] IdxSeeds()
    {
        var random = new Random(2);
        byte[] pixels = new byte[12 * 8 * 8];
        random.NextBytes(pixels);
        return
        [
            Write(IdxArray.FromBytes(pixels, 12, 8, 8)),
            Write(IdxArray.FromBytes(Enumerable.Range(0, 12).Select(i => (byte)(i % 10)).ToArray(), 12)),
            Write(IdxArray.FromFloats([.. Enumerable.Range(0, 15).Select(i => i / 7f)], 5, 3)),
            Write(new IdxArray(IdxDataType.Int, [4], new byte[16])),
        ];
    }

    private static byte[] Write(IdxArray array)
    {
        var stream = new MemoryStream();
        IdxFile.Write(stream, array);
        return stream.ToArray();
    }

    /// <summary>Gzip-compresses the bytes.</summary>
    public static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }

    // The gzip fields worth setting to edge values: the modification time, and the trailer's CRC-32 and length.
    private static InputFuzzer.Field[] GzipFields(byte[] gzip) =>
        [new(4, 4, false, false), new(gzip.Length - 8, 4, false, false), new(gzip.Length - 4, 4, false, false)];
}
