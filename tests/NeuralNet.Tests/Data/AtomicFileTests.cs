using System.Diagnostics;
using System.Runtime.Versioning;
using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

[SupportedOSPlatform("linux")]   // FIFOs, links and file modes: CI runs on Linux
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

    [Fact]
    public void Files_written_together_change_nothing_unless_the_group_is_committed()
    {
        using var folder = new TestData.TempFolder();
        string model = folder.File("model.nnm"), report = folder.File("report.html");
        File.WriteAllText(model, "old model");
        File.WriteAllText(report, "old report");

        using (AtomicFile.Together())
        {
            AtomicFile.WriteAllText(model, "new model");
            AtomicFile.WriteAllText(report, "new report");
            // not committed: as if the report had failed after the model was written
        }
        Assert.Equal(["old model", "old report"], [File.ReadAllText(model), File.ReadAllText(report)]);
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);

        using (AtomicFile.Group group = AtomicFile.Together())
        {
            AtomicFile.WriteAllText(model, "new model");
            AtomicFile.WriteAllText(report, "new report");
            group.Commit();
        }
        Assert.Equal(["new model", "new report"], [File.ReadAllText(model), File.ReadAllText(report)]);
        Assert.Equal(2, Directory.GetFiles(folder.Path).Length);
    }

    [Fact]
    public void A_fifo_at_the_target_is_refused_and_stays_a_fifo()
    {
        using var folder = new TestData.TempFolder();
        string fifo = folder.File("pipe");
        Run("mkfifo", fifo);

        IOException e = Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(fifo, "x"));

        Assert.Contains("FIFO", e.Message);
        Assert.Equal(FileKind.Fifo, FileKinds.Of(fifo));
        Assert.Single(Directory.GetFileSystemEntries(folder.Path));
    }

    [Fact]
    public void A_write_protected_file_is_refused_even_for_root()
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("kept.txt");
        File.WriteAllText(path, "kept");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAllText(path, "replaced"));

        Assert.Equal("kept", File.ReadAllText(path));
    }

    [Fact]
    public void A_symbolic_link_is_written_through_and_stays_a_link()
    {
        using var folder = new TestData.TempFolder();
        string real = folder.File("real.txt"), link = folder.File("link.txt");
        File.WriteAllText(real, "old");
        File.CreateSymbolicLink(link, real);

        AtomicFile.WriteAllText(link, "new");

        Assert.Equal("new", File.ReadAllText(real));
        Assert.Equal(FileKind.SymbolicLink, FileKinds.Of(link, followLinks: false));
    }

    private static void Run(string program, string argument)
    {
        using var process = Process.Start(program, [argument]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
