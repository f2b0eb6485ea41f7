using NeuralNet.Layers;
using NeuralNet.Tensors;

namespace NeuralNet.Tests.Layers;

public class ActivationVariantsTests
{
    public static TheoryData<string> Names() => ["LeakyReLU", "GELU"];

    private static ILayer Create(string name) => name == "GELU" ? new GELU() : new LeakyReLU(0.1);

    private static double Reference(string name, double z) => name == "GELU"
        ? 0.5 * z * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (z + 0.044715 * z * z * z)))
        : z > 0 ? z : 0.1 * z;

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_the_formula(string name)
    {
        ILayer layer = Create(name);
        Matrix x = GradientCheck.RandomMatrix(3, 9, new Random(1), scale: 4f);

        Matrix y = layer.Forward(x);

        for (int i = 0; i < x.Length; i++)
        {
            double expected = Reference(name, x.Span[i]);
            Assert.True(Math.Abs(expected - y.Span[i]) < 1e-5 * (1 + Math.Abs(expected)), $"f({x.Span[i]}) = {y.Span[i]}, expected {expected}");
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Backward_matches_finite_differences(string name)
    {
        ILayer layer = Create(name);
        Matrix x = GradientCheck.RandomMatrix(4, 11, new Random(2), scale: 3f, avoidBelow: 0.05f);

        double error = GradientCheck.MaxRelativeError(layer, x);

        Assert.True(error < GradientCheck.Tolerance, $"{layer.Name}: max relative error {error:E2}");
    }

    [Fact]
    public void Every_activation_class_is_usable_by_name_in_Mlp()
    {
        var classes = typeof(ActivationLayer).Assembly.GetTypes()
            .Where(t => t.IsPublic && !t.IsAbstract && t.IsSubclassOf(typeof(ActivationLayer))).ToList();

        Assert.Equal(classes.Select(t => t.Name.ToLowerInvariant()).Order(StringComparer.Ordinal), Activations.Names);
        foreach (Type type in classes)
        {
            var net = Sequential.Mlp(4, [3], 2, activation: type.Name.ToLowerInvariant());
            Assert.IsType(type, net.Layers[1]);
        }
        Assert.Contains("leakyrelu", Activations.Names);
        Assert.Contains("gelu", Activations.Names);
    }

    [Fact]
    public void An_unknown_activation_name_lists_the_known_ones()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Activations.Create("swish"));

        Assert.Contains("gelu", e.Message);
    }
}
