using System.IO.Compression;
using NeuralNet.Data;
using NeuralNet.Data.Acquire;

namespace NeuralNet.Tests.Data;

public class FileSourceTests
{
    private static readonly DatasetFile File1 = new("data-idx1-ubyte", "unused");

    [Fact]
    public void A_local_folder_gives_raw_and_gzip_files_uncompressed_and_null_for_a_missing_one()
    {
        using var folder = new TestData.TempFolder();
        byte[] content = [0, 0, 8, 1, 0, 0, 0, 2, 7, 9];
        using (var gzip = new GZipStream(File.Create(folder.File("data-idx1-ubyte.gz")), CompressionLevel.Optimal)) gzip.Write(content);
        var source = new LocalFolderSource(folder.Path);

        Assert.Equal(content, source.Fetch(File1, null));
        Assert.Null(source.Fetch(File1 with { FileName = "other" }, null));
    }

    [Fact]
    public void Corrupt_gzip_data_is_a_source_failure_naming_the_file()
    {
        using var folder = new TestData.TempFolder();
        File.WriteAllBytes(folder.File("data-idx1-ubyte.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x07, 0xff, 0xff]); // deflate block type 3: invalid

        FileSourceException e = Assert.Throws<FileSourceException>(() => new LocalFolderSource(folder.Path).Fetch(File1, null));

        Assert.Contains("data-idx1-ubyte.gz", e.Message);
    }

    [Fact]
    public void An_unreachable_mirror_fails_once_and_is_then_skipped()
    {
        var mirror = new WebMirrorSource("http://127.0.0.1:1/");   // nothing listens on port 1: refused at once

        FileSourceException first = Assert.Throws<FileSourceException>(() => mirror.Fetch(File1, null));
        FileSourceException second = Assert.Throws<FileSourceException>(() => mirror.Fetch(File1 with { FileName = "other" }, null));

        Assert.Contains("http://127.0.0.1:1/data-idx1-ubyte.gz", first.Message);
        Assert.Contains("skipped", second.Message);
    }
}
