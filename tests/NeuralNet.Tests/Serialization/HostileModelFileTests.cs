using System.Globalization;
using NeuralNet.Layers;
using NeuralNet.Serialization;

namespace NeuralNet.Tests.Serialization;

/// <summary>
/// Crafted model files with a valid checksum (so the parser itself is reached): each must be refused with a
/// <see cref="ModelFormatException"/> naming the problem, without allocating what the header claims.
/// </summary>
public class HostileModelFileTests
{
    private const long AllocationLimit = 16 << 20;   // 16 MB: far below any of the sizes the files claim

    private static (string Key, string Value) S(string key, long value) => (key, value.ToString(CultureInfo.InvariantCulture));

    private static ModelFormatException LoadFails(byte[] file, out long allocated)
    {
        using var folder = new TestData.TempFolder();
        string path = folder.File("crafted.nnm");
        File.WriteAllBytes(path, file);
        long before = GC.GetAllocatedBytesForCurrentThread();
        ModelFormatException e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(path));
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Contains(path, e.Message);
        return e;
    }

    [Fact]
    public void A_linear_layer_of_784_by_a_million_whose_values_are_missing_is_refused_before_allocating()
    {
        byte[] file = new ModelBytes(1).Layer("Linear", S("inputs", 784), S("outputs", 1_000_000))
            .Tensors(("W", 784, 1_000_000, 0, 0f), ("b", 1, 1_000_000, 0, 0f)).None().ToArray();

        ModelFormatException e = LoadFails(file, out long allocated);

        Assert.Contains("parameter W declares 784x1000000", e.Message);
        Assert.Contains("bytes remain", e.Message);
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Settings_that_ask_for_more_values_than_the_file_holds_are_refused_before_allocating()
    {
        // Small tensor headers (so the byte check passes) under a spec that would build 784 x 1,000,000.
        byte[] file = new ModelBytes(1).Layer("Linear", S("inputs", 784), S("outputs", 1_000_000))
            .Tensors(("W", 1, 1, null, 0.5f), ("b", 1, 1, null, 0f)).None().ToArray();

        ModelFormatException e = LoadFails(file, out long allocated);

        Assert.Contains("layer 0 (Linear)", e.Message);
        Assert.Contains("parameter W of 784x1000000", e.Message);
        Assert.Contains("holds only 2", e.Message);
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_batch_norm_of_two_billion_features_is_refused_before_allocating()
    {
        byte[] file = new ModelBytes(1)
            .Layer("BatchNorm", S("features", 2_000_000_000), ("momentum", "0.1"), ("epsilon", "1E-05"))
            .Tensors(("gamma", 1, 1, null, 1f), ("beta", 1, 1, null, 0f))
            .Tensors(("running_mean", 1, 1, null, 0f), ("running_var", 1, 1, null, 1f)).ToArray();

        ModelFormatException e = LoadFails(file, out long allocated);

        Assert.Contains("parameter gamma of 1x2000000000", e.Message);
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_linear_layer_of_int_max_squared_is_a_format_error_not_an_overflow()
    {
        byte[] file = new ModelBytes(1).Layer("Linear", S("inputs", int.MaxValue), S("outputs", int.MaxValue))
            .Tensors(("W", int.MaxValue, int.MaxValue, 0, 0f), ("b", 1, int.MaxValue, 0, 0f)).None().ToArray();

        ModelFormatException e = LoadFails(file, out _);

        Assert.IsType<FormatException>(e.InnerException);
        Assert.Contains("2147483647x2147483647", e.Message);
    }

    [Theory]
    [InlineData("channels", "100000", "channels")]      // above ImageShape.MaxDimension
    [InlineData("kernel", "2000000000", "kernel")]      // C·K·K would overflow
    [InlineData("padding", "2000000000", "padding")]    // H + 2·padding would overflow
    [InlineData("height", "-5", "height")]
    public void Image_layer_settings_outside_the_limits_are_refused(string key, string value, string named)
    {
        var settings = new Dictionary<string, string>
        {
            ["channels"] = "1", ["height"] = "28", ["width"] = "28", ["filters"] = "2", ["kernel"] = "3", ["stride"] = "1", ["padding"] = "1",
        };
        settings[key] = value;
        byte[] file = new ModelBytes(1).Layer("Conv2D", settings.Select(s => (s.Key, s.Value)).ToArray())
            .Tensors(("W", 2, 9, null, 0.1f), ("b", 1, 2, null, 0f)).None().ToArray();

        ModelFormatException e = LoadFails(file, out long allocated);

        Assert.Contains("layer 0 (Conv2D)", e.Message);
        Assert.Contains(named, e.Message);
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Weights_that_are_nan_are_refused_with_the_layer_and_index()
    {
        byte[] file = new ModelBytes(2).Layer("Linear", S("inputs", 3), S("outputs", 2))
            .Tensors(("W", 3, 2, null, float.NaN), ("b", 1, 2, null, 0f)).None()
            .Layer("Softmax").None().None().ToArray();

        ModelFormatException e = LoadFails(file, out _);

        Assert.Contains("layer 0 (Linear)", e.Message);
        Assert.Contains("parameter W holds NaN at index 0", e.Message);
    }

    [Fact]
    public void A_model_saved_with_infinite_weights_does_not_load()
    {
        using var folder = new TestData.TempFolder();
        var net = new Sequential(new Linear(3, 2));
        net.Parameters[1].Value.Span[1] = float.PositiveInfinity;
        ModelFile.Save(net, folder.File("inf.nnm"));

        ModelFormatException e = Assert.Throws<ModelFormatException>(() => ModelFile.Load(folder.File("inf.nnm")));

        Assert.Contains("parameter b holds +infinity at index 1", e.Message);
    }

    [Fact]
    public void A_type_name_that_is_not_utf8_is_refused()
    {
        byte[] file = new ModelBytes(1).Raw(4, 0xC3, 0x28, 0xFF, 0xFE).Raw(0, 0, 0, 0).None().None().ToArray();

        ModelFormatException e = LoadFails(file, out _);

        Assert.Contains("layer 0: the type name at byte offset 14 is not valid UTF-8", e.Message);
    }

    [Fact]
    public void A_type_name_with_escape_codes_is_shown_escaped()
    {
        byte[] file = new ModelBytes(1).Layer("\u001b[2JEvil").None().None().ToArray();

        ModelFormatException e = LoadFails(file, out _);

        Assert.Contains("unknown layer type '\\u001B[2JEvil'", e.Message);
        Assert.DoesNotContain("\u001b", e.Message);
    }

    [Fact]
    public void A_text_longer_than_the_limit_is_refused_before_reading_it()
    {
        // Length prefix 0x7FFFFFFF as a 7-bit encoded integer.
        byte[] file = new ModelBytes(1).Raw(0xFF, 0xFF, 0xFF, 0xFF, 0x07).ToArray();

        ModelFormatException e = LoadFails(file, out long allocated);

        Assert.Contains("2,147,483,647 bytes long; the limit is 1,024", e.Message);
        Assert.True(allocated < AllocationLimit, $"allocated {allocated:N0} bytes");
    }

    [Theory]
    [InlineData(0, "the layer count at byte offset 10 is 0; expected 1 to 10,000")]
    [InlineData(-1, "the layer count at byte offset 10 is -1")]
    [InlineData(int.MaxValue, "is 2,147,483,647; expected 1 to 10,000")]
    public void Layer_counts_outside_the_limit_are_refused(int count, string expected)
    {
        ModelFormatException e = LoadFails(new ModelBytes(count).ToArray(), out _);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Negative_tensor_sizes_duplicate_settings_and_trailing_bytes_are_refused()
    {
        byte[] negative = new ModelBytes(1).Layer("Linear", S("inputs", 2), S("outputs", 2))
            .Tensors(("W", -2, 2, 0, 0f)).ToArray();
        byte[] duplicate = new ModelBytes(1).Layer("Linear", S("inputs", 2), S("inputs", 3)).ToArray();
        byte[] trailing = new ModelBytes(1).Layer("ReLU").None().None().Raw(1, 2, 3).ToArray();

        Assert.Contains("parameter W: rows at byte offset", LoadFails(negative, out _).Message);
        Assert.Contains("setting 'inputs' appears twice", LoadFails(duplicate, out _).Message);
        Assert.Contains("3 unexpected bytes after the last layer", LoadFails(trailing, out _).Message);
    }

    [Fact]
    public void A_nan_batch_norm_epsilon_is_refused()
    {
        byte[] file = new ModelBytes(1)
            .Layer("BatchNorm", S("features", 2), ("momentum", "0.1"), ("epsilon", "NaN"))
            .Tensors(("gamma", 1, 2, null, 1f), ("beta", 1, 2, null, 0f))
            .Tensors(("running_mean", 1, 2, null, 0f), ("running_var", 1, 2, null, 1f)).ToArray();

        Assert.Contains("epsilon", LoadFails(file, out _).Message);
    }

    [Fact]
    public void The_bytes_built_here_load_when_they_describe_a_real_layer()
    {
        // The builder writes what ModelFile.Save writes: a control for the refusals above.
        byte[] file = new ModelBytes(1).Layer("Linear", S("inputs", 3), S("outputs", 2))
            .Tensors(("W", 3, 2, null, 0.25f), ("b", 1, 2, null, 1f)).None().ToArray();
        using var folder = new TestData.TempFolder();
        File.WriteAllBytes(folder.File("ok.nnm"), file);

        Sequential net = ModelFile.Load(folder.File("ok.nnm"));

        Assert.Equal(2.5f, net.Forward(new NeuralNet.Tensors.Matrix(1, 3, [1, 2, 3]))[0, 0]);
    }
}
