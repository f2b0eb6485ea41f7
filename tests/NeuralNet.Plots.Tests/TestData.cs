using Plotly.NET;

namespace NeuralNet.Plots.Tests;

/// <summary>Synthetic inputs and helpers to read a chart's traces and layout back.</summary>
internal static class TestData
{
    /// <summary>A 28x28 "digit": a bright ring whose radius depends on <paramref name="seed"/>.</summary>
    public static float[] Ring(int seed)
    {
        float[] pixels = new float[784];
        int radius = 5 + seed % 7;
        for (int r = 0; r < 28; r++)
        {
            for (int c = 0; c < 28; c++)
            {
                double d = Math.Sqrt((r - 13.5) * (r - 13.5) + (c - 13.5) * (c - 13.5));
                pixels[r * 28 + c] = (float)Math.Max(0, 1 - Math.Abs(d - radius) / 2);
            }
        }
        return pixels;
    }

    public static Trace[] Traces(GenericChart chart) => GenericChart.getTraces(chart).ToArray();

    public static string[] TraceTypes(GenericChart chart) => Traces(chart).Select(t => t.type).ToArray();

    public static object? Get(DynamicObj.DynamicObj obj, string key) =>
        obj.TryGetPropertyValue(key) is { } value ? value.Value : null;

    public static object? Layout(GenericChart chart, string key) => Get(GenericChart.getLayout(chart), key);

    public static string Title(GenericChart chart) =>
        Get((DynamicObj.DynamicObj)Layout(chart, "title")!, "text")?.ToString() ?? "";

    public static string AxisTitle(GenericChart chart, string axis) =>
        Get((DynamicObj.DynamicObj)Get((DynamicObj.DynamicObj)Layout(chart, axis)!, "title")!, "text")?.ToString() ?? "";

    public static double[] Numbers(object? values) =>
        ((System.Collections.IEnumerable)values!).Cast<object>().Select(Convert.ToDouble).ToArray();
}
