using System.Collections;
using Plotly.NET;
using static NeuralNet.Plots.Tests.TestData;

namespace NeuralNet.Plots.Tests;

public class DigitChartsTests
{
    [Fact]
    public void Digit_is_a_grey_heatmap_with_rows_top_down()
    {
        float[] pixels = Ring(3);

        GenericChart chart = Charts.Digit(pixels, "label 3");

        Assert.Equal(["heatmap"], TraceTypes(chart));
        IEnumerable[] z = ((System.Collections.IEnumerable)Get(Traces(chart)[0], "z")!).Cast<System.Collections.IEnumerable>().ToArray();
        Assert.Equal(28, z.Length);
        Assert.Equal(pixels[5 * 28 + 13], Numbers(z[5])[13], 6);
        Assert.Equal("label 3", Title(chart));
        Assert.Equal("reversed", Get((DynamicObj.DynamicObj)Layout(chart, "yaxis")!, "autorange"));
    }

    [Fact]
    public void Digit_rejects_the_wrong_number_of_pixels()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => Charts.Digit(new float[783]));
        Assert.Contains("784", ex.Message);
    }

    [Fact]
    public void DigitGrid_tiles_images_and_frames_mistakes_in_red()
    {
        IReadOnlyList<float>[] images = Enumerable.Range(0, 12).Select(i => (IReadOnlyList<float>)Ring(i)).ToArray();
        int[] labels = Enumerable.Range(0, 12).Select(i => i % 10).ToArray();
        int[] predictions = labels.Select((l, i) => i == 4 ? 9 : l).ToArray();

        GenericChart chart = Charts.DigitGrid(images, labels, predictions, columns: 6);

        Assert.Equal(["heatmap"], TraceTypes(chart));
        DynamicObj.DynamicObj[] annotations = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>().ToArray();
        Assert.Equal(12, annotations.Length);
        Assert.Contains("4 → 9", Get(annotations[4], "text")!.ToString());
        object[] shapes = ((System.Collections.IEnumerable)Layout(chart, "shapes")!).Cast<object>().ToArray();
        Assert.Single(shapes);
        object[] z = ((System.Collections.IEnumerable)Get(Traces(chart)[0], "z")!).Cast<object>().ToArray();
        Assert.Equal(2 * (28 + 2 + 6), z.Length);
    }

    [Fact]
    public void FirstLayerWeights_draws_one_tile_per_unit_from_columns_of_W()
    {
        const int units = 5;
        float[] w = new float[784 * units];
        for (int i = 0; i < 784; i++)
        {
            w[i * units + 2] = i == 0 ? -4f : 2f; // unit 2: top-left pixel most negative
        }

        GenericChart chart = Charts.FirstLayerWeights(w, 784, units, count: units, columns: 5);

        Assert.Equal(["heatmap"], TraceTypes(chart));
        double?[][] rows = ((System.Collections.IEnumerable)Get(Traces(chart)[0], "z")!).Cast<double?[]>().ToArray();
        int left = 2 * (28 + 2);
        Assert.Equal(-1.0, rows[6][left]);   // first image row after the caption rows, scaled to [-1, 1]
        Assert.Equal(0.5, rows[6][left + 1]);
        Assert.Equal(-1.0, Convert.ToDouble(Get(Traces(chart)[0], "zmin")));
    }
}

public class DataChartsTests
{
    [Fact]
    public void ClassHistogram_counts_each_class_per_set()
    {
        int[] train = [0, 1, 1, 2, 2, 2];
        int[] test = [2];

        GenericChart chart = Charts.ClassHistogram([("train", train), ("test", test)], classCount: 3);

        Assert.Equal(["bar", "bar"], TraceTypes(chart));
        Assert.Equal([1.0, 2, 3], Numbers(Get(Traces(chart)[0], "y")));
        Assert.Equal([0.0, 0, 1], Numbers(Get(Traces(chart)[1], "y")));
        Assert.Equal("test", Traces(chart)[1].GetPropertyValue("name"));
        Assert.Equal("group", Layout(chart, "barmode"));
    }

    [Fact]
    public void ClassHistogram_rejects_labels_out_of_range()
    {
        Assert.Throws<ArgumentException>(() => Charts.ClassHistogram([0, 10], classCount: 10));
    }

    [Fact]
    public void PixelHistogram_bins_values_itself_on_a_log_axis()
    {
        float[] values = [0f, 0f, 0f, 0.5f, 1f];

        GenericChart chart = Charts.PixelHistogram(values, bins: 4, min: 0, max: 1);

        Assert.Equal(["bar"], TraceTypes(chart));
        Assert.Equal([3.0, 0, 1, 1], Numbers(Get(Traces(chart)[0], "y")));
        Assert.Equal([0.125, 0.375, 0.625, 0.875], Numbers(Get(Traces(chart)[0], "x")));
        Assert.Equal("log", Get((DynamicObj.DynamicObj)Layout(chart, "yaxis")!, "type"));
    }

    [Fact]
    public void PixelHistogram_of_bytes_covers_0_to_255()
    {
        byte[] values = [0, 0, 128, 255];

        GenericChart chart = Charts.PixelHistogram(values, bins: 2);

        Assert.Equal([2.0, 2], Numbers(Get(Traces(chart)[0], "y")));
    }
}

public class ActivationChartsTests
{
    [Fact]
    public void ActivationFunctions_draws_each_function_and_its_derivative()
    {
        GenericChart chart = Charts.ActivationFunctions(-2, 2);

        Assert.Equal(6, TraceTypes(chart).Length);
        Assert.All(TraceTypes(chart), t => Assert.Equal("scatter", t));
        string[] names = Traces(chart).Select(t => t.GetPropertyValue("name")!.ToString()!).ToArray();
        Assert.Contains("ReLU", names);
        Assert.Contains("tanh'", names);
        Trace relu = Traces(chart).First(t => (string)t.GetPropertyValue("name")! == "ReLU");
        double[] ys = Numbers(Get(relu, "y"));
        Assert.Equal(0.0, ys[0]);
        Assert.Equal(2.0, ys[^1], 9);
    }

    [Fact]
    public void ActivationHistograms_makes_one_panel_per_layer_with_mean_and_std()
    {
        GenericChart chart = Charts.ActivationHistograms([("layer 1", [1f, 1f, 3f, 3f]), ("layer 2", [0f, 0f])], bins: 2);

        Assert.Equal(["bar", "bar"], TraceTypes(chart));
        string[] annotations = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>()
            .Select(a => Get(a, "text")!.ToString()!).ToArray();
        Assert.Contains(annotations, a => a!.Contains("mean 2") && a.Contains("std 1"));
    }

    [Fact]
    public void ActivationStdByLayer_draws_one_line_per_setting_on_a_log_axis()
    {
        GenericChart chart = Charts.ActivationStdByLayer([("He", [1.0, 0.9, 1.1]), ("too small", [0.1, 0.01, 0.001])]);

        Assert.Equal(["scatter", "scatter"], TraceTypes(chart));
        Assert.Equal([1.0, 2, 3], Numbers(Get(Traces(chart)[1], "x")));
        Assert.Equal("log", Get((DynamicObj.DynamicObj)Layout(chart, "yaxis")!, "type"));
    }
}

public class TrainingChartsTests
{
    [Fact]
    public void LossCurves_overlays_train_and_validation_of_each_run()
    {
        GenericChart chart = Charts.LossCurves([
            new RunCurves("SGD", [2.0, 1.0], [2.1, 1.2]),
            new RunCurves("Adam", [1.5, 0.5], [1.6, 0.7]),
        ]);

        Assert.Equal(4, TraceTypes(chart).Length);
        string[] names = Traces(chart).Select(t => t.GetPropertyValue("name")!.ToString()!).ToArray();
        Assert.Equal(["SGD, train", "SGD, validation", "Adam, train", "Adam, validation"], names);
        Assert.Equal([1.0, 2], Numbers(Get(Traces(chart)[3], "x")));
        Assert.Equal([1.6, 0.7], Numbers(Get(Traces(chart)[3], "y")));
        Assert.Equal("epoch", AxisTitle(chart, "xaxis"));
    }

    [Fact]
    public void AccuracyCurves_shows_fractions_as_percent()
    {
        GenericChart chart = Charts.AccuracyCurves([0.5, 0.9], [0.45, 0.88]);

        Assert.Equal([50.0, 90], Numbers(Get(Traces(chart)[0], "y")));
        Assert.Contains("%", AxisTitle(chart, "yaxis"));
    }

    [Fact]
    public void TrainingCurves_puts_loss_and_accuracy_side_by_side()
    {
        GenericChart chart = Charts.TrainingCurves([new RunCurves("a", [1.0], [1.1])], [new RunCurves("a", [0.5], [0.4])]);

        Assert.Equal(4, TraceTypes(chart).Length);
        Assert.Equal("accuracy (%)", AxisTitle(chart, "yaxis2"));
    }

    [Fact]
    public void LearningRateSweep_uses_a_log_axis_marks_the_best_and_leaves_out_diverged_runs()
    {
        GenericChart chart = Charts.LearningRateSweep([0.001, 0.01, 0.1, 1.0], [0.9, 0.3, 0.5, double.NaN]);

        Assert.Equal(["scatter", "scatter"], TraceTypes(chart));
        Assert.Equal([0.001, 0.01, 0.1], Numbers(Get(Traces(chart)[0], "x")));
        Assert.Equal([0.01], Numbers(Get(Traces(chart)[1], "x")));
        Assert.Equal("log", Get((DynamicObj.DynamicObj)Layout(chart, "xaxis")!, "type"));
        Assert.Contains("diverged", Title(chart));
    }
}

public class EvaluationChartsTests
{
    private static readonly int[,] Counts = { { 8, 2, 0 }, { 1, 9, 0 }, { 0, 5, 5 } };

    [Fact]
    public void ConfusionMatrix_annotates_each_cell_with_its_count()
    {
        GenericChart chart = Charts.ConfusionMatrix(Counts, ["a", "b", "c"]);

        Assert.Equal(["heatmap"], TraceTypes(chart));
        string[] texts = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>()
            .Select(a => Get(a, "text")!.ToString()!).ToArray();
        Assert.Equal(9, texts.Length);
        Assert.Equal(["8", "2", "0", "1", "9", "0", "0", "5", "5"], texts);
        Assert.Contains("accuracy 73.33%", Title(chart));
        Assert.Equal("true class", AxisTitle(chart, "yaxis"));
    }

    [Fact]
    public void ConfusionMatrix_writes_white_text_on_dark_cells()
    {
        GenericChart chart = Charts.ConfusionMatrix(Counts);

        string[] colors = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>()
            .Select(a => Get((DynamicObj.DynamicObj)Get(a, "font")!, "color")!.ToString()!).ToArray();
        Assert.Equal("white", colors[4]);  // 9 of 10: the darkest cell
        Assert.Equal("#222", colors[2]);   // 0
        Assert.Contains("\"color\":\"white\"", chart.ToJson());
    }

    [Fact]
    public void ConfusionMatrix_normalised_shows_row_percentages()
    {
        GenericChart chart = Charts.ConfusionMatrix(Counts, normalize: true);

        string[] texts = ((System.Collections.IEnumerable)Layout(chart, "annotations")!).Cast<DynamicObj.DynamicObj>()
            .Select(a => Get(a, "text")!.ToString()!).ToArray();
        Assert.Equal(["80", "20", "", "10", "90", "", "", "50", "50"], texts);
    }

    [Fact]
    public void PrecisionRecallF1_follow_their_definitions()
    {
        (double[]? precision, double[]? recall, double[]? f1) = Charts.PrecisionRecallF1(Counts);

        Assert.Equal(8.0 / 9, precision[0], 12);
        Assert.Equal(9.0 / 16, precision[1], 12);
        Assert.Equal(0.5, recall[2], 12);
        Assert.Equal(2 * (9.0 / 16) * 0.9 / (9.0 / 16 + 0.9), f1[1], 12);
    }

    [Fact]
    public void ClassificationReport_draws_three_grouped_bar_series_in_percent()
    {
        GenericChart chart = Charts.ClassificationReport(Counts);

        Assert.Equal(["bar", "bar", "bar"], TraceTypes(chart));
        Assert.Equal(50.0, Numbers(Get(Traces(chart)[1], "y"))[2], 9);
    }

    [Fact]
    public void ConfusedPairs_lists_the_largest_off_diagonal_cells_first()
    {
        GenericChart chart = Charts.ConfusedPairs(Counts, top: 2);

        string[] keys = ((System.Collections.IEnumerable)Get(Traces(chart)[0], "y")!).Cast<object>().Select(k => k.ToString()!).ToArray();
        Assert.Equal(["0 → 1", "2 → 1"], keys); // drawn bottom-up: the largest is last
        Assert.Equal([2.0, 5], Numbers(Get(Traces(chart)[0], "x")));
    }

    [Fact]
    public void Probabilities_draws_one_bar_per_class()
    {
        GenericChart chart = Charts.Probabilities([0.1f, 0.7f, 0.2f]);

        Assert.Equal(["bar"], TraceTypes(chart));
        Assert.Equal([0.1, 0.7, 0.2], Numbers(Get(Traces(chart)[0], "y")).Select(v => Math.Round(v, 6)).ToArray());
    }

    [Fact]
    public void RelativeErrors_uses_a_log_axis()
    {
        GenericChart chart = Charts.RelativeErrors(["W1", "b1"], [1e-9, 3e-8]);

        Assert.Equal(["bar"], TraceTypes(chart));
        Assert.Equal("log", Get((DynamicObj.DynamicObj)Layout(chart, "yaxis")!, "type"));
    }
}

public class HtmlTests
{
    public static TheoryData<string> ChartNames => new(Gallery.All().Select(c => c.Name));

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void Every_chart_renders_to_embedded_html(string name)
    {
        GenericChart chart = Gallery.All().Single(c => c.Name == name).Chart;

        string html = chart.ToHtml(embedPlotlyJs: false);
        string json = chart.ToJson();

        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Plotly.newPlot", html);
        Assert.DoesNotContain("NaN", json);
        Assert.Contains("\"type\":", json);
    }

    [Fact]
    public void SaveHtml_with_plotly_embedded_draws_offline()
    {
        string path = Path.Combine(Path.GetTempPath(), $"plots-{Guid.NewGuid():N}", "digit.html");
        try
        {
            string written = Charts.Digit(Ring(1)).SaveHtml(path);

            string html = File.ReadAllText(written);
            Assert.True(html.Length > 1_000_000, "plotly.js should be inlined");
            Assert.DoesNotContain("<script src=\"https://cdn.plot.ly", html);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    /// <summary>Writes every sample chart as an offline HTML page when PLOTS_GALLERY_DIR is set (for screenshots).</summary>
    [Fact]
    public void Gallery_is_written_when_asked()
    {
        string? directory = Environment.GetEnvironmentVariable("PLOTS_GALLERY_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            return;
        }
        foreach ((string? name, GenericChart? chart) in Gallery.All())
        {
            chart.SaveHtml(Path.Combine(directory, name + ".html"));
        }
    }
}
