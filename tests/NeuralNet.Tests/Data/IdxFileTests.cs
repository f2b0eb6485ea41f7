using System.IO.Compression;
using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public class IdxFileTests
{
    public static TheoryData<IdxDataType> AllTypes() =>
        [IdxDataType.UnsignedByte, IdxDataType.SignedByte, IdxDataType.Short, IdxDataType.Int, IdxDataType.Float, IdxDataType.Double];

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void Every_type_round_trips_raw_and_gzipped(IdxDataType type)
    {
        using var folder = new TestData.TempFolder();
        int size = type switch { IdxDataType.Short => 2, IdxDataType.Int or IdxDataType.Float => 4, IdxDataType.Double => 8, _ => 1 };
        byte[] bytes = Enumerable.Range(0, 2 * 3 * 4 * size).Select(i => (byte)(i * 7)).ToArray();
        var array = new IdxArray(type, [2, 3, 4], bytes);

        foreach (bool gzip in new[] { false, true })
        {
            string path = folder.File($"a{gzip}.idx");
            IdxFile.Write(path, array, gzip);
            IdxArray read = IdxFile.Read(path);
            Assert.Equal(type, read.DataType);
            Assert.Equal([2, 3, 4], read.Dimensions);
            Assert.Equal(bytes, read.Bytes);
        }
    }

    [Fact]
    public void Gzip_is_detected_by_content_not_name()
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("labels.raw");
        IdxFile.Write(path, IdxArray.FromBytes([1, 2, 3], 3), gzip: true);
        Assert.Equal([1, 2, 3], IdxFile.Read(path).Bytes);
    }

    [Fact]
    public void Values_decode_big_endian()
    {
        var floats = IdxArray.FromFloats([1.5f, -2.25f], 2);
        Assert.Equal(-2.25, floats[1]);
        Assert.Equal([0x3F, 0xC0, 0x00, 0x00], floats.Bytes[..4]); // 1.5f big-endian
    }

    private static DataFileException ReadBytes(byte[] content, bool gzip = false)
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("bad-idx");
        if (gzip)
        {
            using FileStream file = File.Create(path);
            using var compressed = new GZipStream(file, CompressionLevel.Fastest);
            compressed.Write(content);
        }
        else
        {
            File.WriteAllBytes(path, content);
        }
        DataFileException e = Assert.Throws<DataFileException>(() => IdxFile.Read(path));
        Assert.Contains(path, e.Message);
        return e;
    }

    private static byte[] ValidLabels(int count) =>
        [0, 0, 0x08, 1, 0, 0, 0, (byte)count, .. Enumerable.Range(0, count).Select(i => (byte)(i % 10))];

    [Fact]
    public void Wrong_magic_is_named()
    {
        byte[] content = ValidLabels(3);
        content[0] = 0x50;
        DataFileException e = ReadBytes(content);
        Assert.Contains("two zero bytes", e.Message);
        Assert.Equal(0, e.ByteOffset);
    }

    [Fact]
    public void Unknown_type_code_is_named()
    {
        byte[] content = ValidLabels(3);
        content[2] = 0x0A;
        DataFileException e = ReadBytes(content);
        Assert.Contains("type code 0x0A", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_truncated_file_says_how_much_is_missing(bool gzip)
    {
        byte[] content = ValidLabels(10)[..15]; // header promises 10 labels, 7 follow
        DataFileException e = ReadBytes(content, gzip);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("promises 10 bytes", e.Message);
        Assert.Equal(15, e.ByteOffset);
    }

    [Fact]
    public void A_truncated_header_is_named()
    {
        DataFileException e = ReadBytes([0, 0, 8, 1, 0, 0]);
        Assert.Contains("truncated header", e.Message);
    }

    [Fact]
    public void Bytes_after_the_data_are_an_error()
    {
        DataFileException e = ReadBytes([.. ValidLabels(3), 99]);
        Assert.Contains("unexpected bytes after", e.Message);
    }

    [Fact]
    public void An_empty_file_is_an_error()
    {
        DataFileException e = ReadBytes([]);
        Assert.Contains("empty", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_limit_reads_only_the_first_items(bool gzip)
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File(gzip ? "images.gz" : "images");
        byte[] bytes = Enumerable.Range(0, 5 * 4).Select(i => (byte)i).ToArray();
        IdxFile.Write(path, IdxArray.FromBytes(bytes, 5, 2, 2), gzip);

        IdxArray first = IdxFile.Read(path, maxItems: 2);

        Assert.Equal([2, 2, 2], first.Dimensions);
        Assert.Equal(bytes[..8], first.Bytes);
    }
}
