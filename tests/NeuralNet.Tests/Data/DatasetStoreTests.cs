using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public class DatasetStoreTests
{
    // A four-file dataset whose only source is a local folder: no network, no npm.
    private static DatasetDefinition LocalDataset(string source, string labelsSha)
    {
        var images = new DatasetFile("imgs", DatasetStore.Sha256Hex(ImagesBytes()));
        var labels = new DatasetFile("lbls", labelsSha);
        return new DatasetDefinition("Tiny", "tiny", images, labels, images with { FileName = "imgs" }, labels,
            ["a", "b"], MirrorUrls: [], NpmPackage: null, SystemFolder: source);
    }

    private static byte[] ImagesBytes()
    {
        using var stream = new MemoryStream();
        IdxFile.Write(stream, IdxArray.FromBytes([0, 255, 255, 0, 10, 20, 30, 40], 2, 2, 2));
        return stream.ToArray();
    }

    private static byte[] LabelsBytes()
    {
        using var stream = new MemoryStream();
        IdxFile.Write(stream, IdxArray.FromBytes([0, 1], 2));
        return stream.ToArray();
    }

    [Fact]
    public void Files_from_a_source_are_verified_and_cached()
    {
        using var source = new TestData.TempFolder();
        using var cache = new TestData.TempFolder();
        File.WriteAllBytes(source.File("imgs"), ImagesBytes());
        IdxFile.Write(source.File("lbls.gz"), IdxArray.FromBytes([0, 1], 2), gzip: true);

        (ImageDataset? train, ImageDataset? test) = DatasetStore.Load(LocalDataset(source.Path, DatasetStore.Sha256Hex(LabelsBytes())), cache.Path);

        Assert.Equal(2, train.Count);
        Assert.Equal([0, 1], test.Labels);
        Assert.True(File.Exists(Path.Combine(cache.Path, "tiny", "lbls")));
        Assert.Empty(Directory.GetFiles(Path.Combine(cache.Path, "tiny"), "*.tmp"));
    }

    [Fact]
    public void A_checksum_mismatch_is_reported_and_nothing_is_cached()
    {
        using var source = new TestData.TempFolder();
        using var cache = new TestData.TempFolder();
        File.WriteAllBytes(source.File("imgs"), ImagesBytes());
        File.WriteAllBytes(source.File("lbls"), LabelsBytes());
        string wrongSha = new('0', 64);

        DataFileException e = Assert.Throws<DataFileException>(() => DatasetStore.Load(LocalDataset(source.Path, wrongSha), cache.Path));

        Assert.Contains("lbls", e.Message);
        Assert.Contains("does not match the pinned", e.Message);
        Assert.False(File.Exists(Path.Combine(cache.Path, "tiny", "lbls")));
    }

    [Fact]
    public void A_corrupt_cached_file_is_moved_aside_and_fetched_again()
    {
        using var source = new TestData.TempFolder();
        using var cache = new TestData.TempFolder();
        File.WriteAllBytes(source.File("imgs"), ImagesBytes());
        File.WriteAllBytes(source.File("lbls"), LabelsBytes());
        Directory.CreateDirectory(Path.Combine(cache.Path, "tiny"));
        File.WriteAllBytes(Path.Combine(cache.Path, "tiny", "lbls"), [0, 0, 8, 1, 0, 0, 0, 2, 1, 1]); // valid IDX, wrong content
        var messages = new List<string>();

        (ImageDataset? train, ImageDataset _) = DatasetStore.Load(LocalDataset(source.Path, DatasetStore.Sha256Hex(LabelsBytes())), cache.Path, log: messages.Add);

        Assert.Equal([0, 1], train.Labels);
        Assert.True(File.Exists(Path.Combine(cache.Path, "tiny", "lbls.corrupt")));
        Assert.Contains(messages, m => m.Contains("does not match"));
    }

    [Fact]
    public void Data_folder_lookup_prefers_explicit_then_environment_then_repository()
    {
        string repository = DataDirectory.FindRepositoryRoot(AppContext.BaseDirectory)!;
        Assert.NotNull(repository);
        Assert.Equal(Path.GetFullPath("/tmp/x"), DataDirectory.Resolve("/tmp/x"));
        Assert.Equal(Path.Combine(repository, "data"), DataDirectory.Resolve(startDirectory: Path.Combine(repository, "notebooks")));
    }
}
