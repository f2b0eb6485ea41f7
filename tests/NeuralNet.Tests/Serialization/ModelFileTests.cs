using NeuralNet.Data;
using NeuralNet.Initialization;
using NeuralNet.Layers;
using NeuralNet.Serialization;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Serialization;

public class ModelFileTests
{
    private static Sequential Network(int seed) => new(
        new Linear(6, 5, Init.He, new Random(seed)), new ReLU(),
        new Linear(5, 4, Init.He, new Random(seed + 1)), new Tanh(),
        new Linear(4, 3, Init.Xavier, new Random(seed + 2)), new Softmax());

    [Fact]
    public void A_saved_network_loads_with_the_same_predictions()
    {
        using var folder = new TestData.TempFolder();
        Sequential net = Network(1);
        Matrix input = GradientCheck.RandomMatrix(20, 6, new Random(2));

        ModelFile.Save(net, folder.File("m.nnm"));
        Sequential loaded = ModelFile.Load(folder.File("m.nnm"));

        Assert.Equal(net.ToString(), loaded.ToString());
        Assert.True(net.PredictProbabilities(input).Span.SequenceEqual(loaded.PredictProbabilities(input).Span));
    }

    [Fact]
    public void Load_into_a_network_of_another_architecture_shows_both()
    {
        using var folder = new TestData.TempFolder();
        ModelFile.Save(Network(1), folder.File("m.nnm"));
        var other = Sequential.Mlp(6, [7], 3);

        ModelFormatException e = Assert.Throws<ModelFormatException>(() => ModelFile.LoadInto(other, folder.File("m.nnm")));

        Assert.Contains("different architecture", e.Message);
        Assert.Contains("outputs=7", e.Message);
        Assert.Contains("m.nnm", e.Message);
    }

    [Fact]
    public void Load_into_the_same_architecture_copies_the_weights()
    {
        using var folder = new TestData.TempFolder();
        ModelFile.Save(Network(1), folder.File("m.nnm"));
        Sequential target = Network(99);
        ModelFile.LoadInto(target, folder.File("m.nnm"));
        Assert.True(target.Parameters[0].Value.Span.SequenceEqual(Network(1).Parameters[0].Value.Span));
    }

    [Theory]
    [InlineData("magic")]
    [InlineData("version")]
    [InlineData("flipped-byte")]
    [InlineData("truncated")]
    public void Damaged_files_fail_with_a_clear_message(string damage)
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("m.nnm");
        ModelFile.Save(Network(1), path);
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case "magic": bytes[0] = (byte)'X'; break;
            case "version": bytes[8] = 9; break;
            case "flipped-byte": bytes[40] ^= 0xFF; break;
            case "truncated": bytes = bytes[..(bytes.Length / 2)]; break;
        }
        File.WriteAllBytes(path, bytes);

        ModelFormatException e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));

        Assert.Contains(path, e.Message);
        string expected = damage switch
        {
            "magic" => "not a NeuralNet model file",
            "version" => "format version 9",
            _ => "checksum",
        };
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_untouched()
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("m.nnm");
        File.WriteAllText(path, "old model");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[1000]);
            throw new InvalidOperationException("disk full (simulated)");
        }));

        Assert.Equal("old model", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder.Path));
    }
}
