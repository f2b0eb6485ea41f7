namespace NeuralNet.Notebooks.Tests;

/// <summary>
/// The runner's <c>#r "nuget: ..."</c> for packages it does not ship: restored once into a cache folder, safely when
/// two notebooks ask at the same moment. Google.Protobuf is already in the machine's NuGet cache (the ONNX exporter
/// builds with it), so no download is needed.
/// </summary>
public sealed class PackageRestorerTests
{
    [Fact]
    public async Task Two_restores_of_one_package_at_once_both_get_it_and_leave_one_complete_folder()
    {
        string cache = Path.Combine(Path.GetTempPath(), $"nn-packages-{Guid.NewGuid():N}");
        try
        {
            Task<IReadOnlyList<string>>[] restores =
            [
                Task.Run(() => PackageRestorer.Restore("Google.Protobuf", "3.36.2", cache)),
                Task.Run(() => PackageRestorer.Restore("Google.Protobuf", "3.36.2", cache)),
            ];
            IReadOnlyList<string>[] results = await Task.WhenAll(restores);

            Assert.All(results, assemblies => Assert.Equal(["Google.Protobuf.dll"], assemblies.Select(Path.GetFileName)));
            Assert.Equal(results[0], results[1]);
            string packageFolder = Assert.Single(Directory.GetDirectories(cache));
            Assert.Single(Directory.GetDirectories(packageFolder));   // the runtime's folder, no partial leftovers
            Assert.True(File.Exists(results[0][0]));
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }
}
