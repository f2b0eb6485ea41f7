using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public class AtomicFileTests
{
    [Fact]
    public void WriteAllText_replaces_the_file_with_UTF8_without_a_byte_order_mark_and_leaves_no_temporary_file()
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("sub/page.html");

        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "π ≈ 3.14");

        Assert.Equal("π ≈ 3.14"u8.ToArray(), File.ReadAllBytes(path));
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));
    }
}
