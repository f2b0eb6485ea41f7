using System.Buffers.Binary;
using System.IO.Compression;
using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

/// <summary>IDX headers that promise more than the file holds, raw and gzip: refused before the data is allocated.</summary>
public class HostileIdxTests
{
    private const long AllocationLimit = 16 << 20;

    private static byte[] Header(byte type, params int[] dimensions)
    {
        byte[] header = new byte[4 + 4 * dimensions.Length];
        header[2] = type;
        header[3] = (byte)dimensions.Length;
        for (int d = 0; d < dimensions.Length; d++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * d), dimensions[d]);
        return header;
    }

    private static byte[] Gzip(byte[] raw)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }

    private static DataFileException ReadFails(byte[] file, out long allocated)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        DataFileException e = Assert.Throws<DataFileException>(() => IdxFile.Read(new MemoryStream(file), "crafted.idx"));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.StartsWith("crafted.idx", e.Message);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_16_byte_header_promising_2_7_million_images_is_truncated_not_2_gb(bool gzip)
    {
        byte[] file = Header(0x08, 2_700_000, 28, 28);
        if (gzip) file = Gzip(file);

        DataFileException e = ReadFails(file, out long allocated);

        Assert.Contains("truncated", e.Message);
        Assert.Contains("2,116,800,000 bytes", e.Message);
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_gzip_file_that_really_holds_part_of_the_promise_allocates_about_what_it_holds()
    {
        // 8 MB of real content under a header that promises 2 GB.
        byte[] file = Gzip([.. Header(0x08, 2_700_000, 28, 28), .. new byte[8 << 20]]);

        DataFileException e = ReadFails(file, out long allocated);

        Assert.Contains("only 8,388,608 follow", e.Message);
        Assert.True(allocated < 2 * (8L << 20) + AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Dimensions_whose_product_overflows_64_bits_are_a_data_error()
    {
        // The reproduction from the report: 0x04070100 x 0x000A0506 x 0x08090000, then 5 bytes.
        byte[] file = [0x00, 0x00, 0x08, 0x03, 0x04, 0x07, 0x01, 0x00, 0x00, 0x00, 0x0a, 0x05, 0x06, 0x08, 0x09, 0x00, 1, 2, 3, 4, 5];

        DataFileException e = ReadFails(file, out _);

        Assert.Contains("the most this reader supports", e.Message);
    }

    [Fact]
    public void Dimensions_whose_product_wraps_to_zero_are_not_an_empty_file()
    {
        // 2^16 four times is 2^64, which a 64-bit product wraps to 0.
        byte[] file = Header(0x08, 65536, 65536, 65536, 65536);

        DataFileException e = ReadFails(file, out _);

        Assert.Contains("65536 x 65536 x 65536 x 65536", e.Message);
    }

    [Fact]
    public void Large_dimensions_before_a_zero_one_are_an_empty_array_not_an_overflow()
    {
        // Found by the fuzzer (IDX raw, seed 3, case 24218): the product overflowed before it reached the 0.
        byte[] file = Convert.FromHexString("00000C050800000400100000001004000000000000040000");

        IdxArray array = IdxFile.Read(new MemoryStream(file), "fuzzed.idx");

        Assert.Equal(0, array.ElementCount);
    }

    [Fact]
    public void A_zero_dimension_is_an_empty_array_but_not_a_dataset()
    {
        IdxArray images = IdxFile.Read(new MemoryStream(Header(0x08, 10, 0, 28)), "images");
        var labels = IdxArray.FromBytes(new byte[10], 10);

        Assert.Equal(0, images.ElementCount);
        DataFileException e = Assert.Throws<DataFileException>(() => IdxDataset.ToImageDataset("x", images, "images", labels, "labels", ["0", "1"]));
        Assert.Contains("0x28 pixels", e.Message);
    }

    [Fact]
    public void Corrupt_gzip_data_says_so_without_dotnets_misleading_text()
    {
        byte[] good = Gzip([.. Header(0x08, 1000), .. Enumerable.Range(0, 1000).Select(i => (byte)(i * 7))]);
        byte[] bad = (byte[])good.Clone();
        for (int i = 12; i < 30; i++) bad[i] ^= 0x5A;

        DataFileException e = ReadFails(bad, out _);

        Assert.Contains("the gzip data is corrupt", e.Message);
        Assert.Contains("fetch or copy it again", e.Message);
        Assert.DoesNotContain("unsupported compression method", e.Message);
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported_as_truncated()
    {
        byte[] good = Gzip([.. Header(0x08, 5000), .. Enumerable.Range(0, 5000).Select(i => (byte)(i * 31 % 251))]);

        DataFileException e = ReadFails(good[..(good.Length / 2)], out _);

        Assert.True(e.Message.Contains("truncated") || e.Message.Contains("gzip data is corrupt"), e.Message);
        Assert.DoesNotContain("unsupported compression method", e.Message);
    }

    [Fact]
    public void Trailing_bytes_after_a_raw_file_are_found_from_its_length()
    {
        DataFileException e = ReadFails([.. Header(0x08, 3), 1, 2, 3, 4], out _);
        Assert.Contains("unexpected bytes after the 3 bytes", e.Message);
    }
}
