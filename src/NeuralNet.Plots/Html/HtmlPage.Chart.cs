using Plotly.NET;

#if NOTEBOOK_RUNNER
namespace NeuralNet.Notebooks;
#else
namespace NeuralNet.Plots;
#endif

// The rest of HtmlPage, and why it is compiled twice: HtmlPage.cs.
static partial class HtmlPage
{
    /// <summary>Marks a chart's HTML (its value is the plotly.js version the chart was made for).</summary>
    public const string ChartMarker = "data-nn-plotly-chart";

    /// <summary>
    /// A chart as HTML: a box and the script that draws the chart's figure (<see cref="GenericChart.toJson"/>) into it.
    /// It draws at once where plotly.js is on the page (our pages), and otherwise loads it as Plotly.NET.Interactive
    /// does (require.js in Jupyter, a script tag elsewhere, for example in VS Code). On the page the chart fits the
    /// text column (its own width, if it has one, becomes the most it may take), follows the window's width, and
    /// keeps its title below plotly.js's toolbar.
    /// </summary>
    /// <param name="id">The box's element id, unique on the page; a new one when not given.</param>
    public static string Chart(GenericChart chart, string? id = null)
    {
        id ??= "chart-" + Guid.NewGuid().ToString("N");
        // "</" inside the script would end it early where it reads "</script"; "<\/" is the same JSON.
        string figure = FigureJson(chart).Replace("</", "<\\/", StringComparison.Ordinal);
        string cdn = $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min";
        return $$"""
            <div class="chart" {{ChartMarker}}="{{PlotlyJsVersion}}"><div id="{{id}}"></div><script type="text/javascript">
            (function () {
                var figure = {{figure}};
                var draw = function (plotly) {
                    if (plotly) { window.Plotly = plotly; }
                    var layout = figure.layout || {}, config = figure.config || {};
                    // Fit the column: a fixed width becomes the box's largest, and plotly.js sizes the chart to the box.
                    var widest = layout.width || (layout.meta && layout.meta.preferredWidth);
                    if (widest) { document.getElementById('{{id}}').style.maxWidth = widest + 'px'; delete layout.width; }
                    config.responsive = true;
                    // The toolbar takes the top 28 pixels at the right: the title goes below it (50 pixels down, as plotly.js
                    // lifts a title of several lines by 12), the plot below the title.
                    var title = typeof layout.title === 'string' ? (layout.title = { text: layout.title }) : layout.title;
                    if (title && title.text) {
                        var lines = String(title.text).split(/<br\s*\/?>/i).length;
                        layout.margin = layout.margin || {};
                        layout.margin.t = Math.max(layout.margin.t == null ? 100 : layout.margin.t, 54 + 24 * lines);
                        title.y = 1; title.yref = 'container'; title.yanchor = 'top'; title.pad = { t: 50 };
                    }
                    Plotly.newPlot('{{id}}', figure.data, layout, config);
                };
                if (window.Plotly) { draw(); return; }
                if (typeof window.requirejs === 'function') {
                    window.requirejs.config({ paths: { plotly: '{{cdn}}' } });
                    window.requirejs(['plotly'], draw);
                    return;
                }
                var script = document.createElement('script');
                script.src = '{{cdn}}.js';
                script.onload = function () { draw(); };
                document.head.appendChild(script);
            })();
            </script></div>

            """;
    }

    private static readonly Lock TemplateGate = new();
    private static readonly List<(DynamicObj.DynamicObj Template, string Json)> TemplateJson = [];

    // Plotly.NET puts its default template (8 KB of nested dynamic objects) into every chart's layout and
    // serialises it each time, which takes a good part of a second; a training chart updated every epoch would
    // spend most of its time there. Each distinct template (every chart holds its own copy, so they are compared
    // by structure, ~2 ms) is serialised once and spliced in: the layout holds an empty template while
    // Plotly.NET writes the figure, and gets its own back right after.
    private static string FigureJson(GenericChart chart)
    {
        Layout layout = GenericChart.getLayout(chart);
        lock (TemplateGate)
        {
            if (layout.TryGetPropertyValue("template") is not { Value: DynamicObj.DynamicObj template })
            {
                return GenericChart.toJson(chart);
            }

            string? json = TemplateJson.FirstOrDefault(t => t.Template.StructurallyEquals(template)).Json;
            if (json is null)
            {
                json = Newtonsoft.Json.JsonConvert.SerializeObject(template);
                TemplateJson.Insert(0, (template, json));
                if (TemplateJson.Count > 8)
                {
                    TemplateJson.RemoveAt(TemplateJson.Count - 1);
                }
            }

            layout.SetProperty("template", new Template());
            try
            {
                string figure = GenericChart.toJson(chart);
                const string empty = "\"template\":{}";
                int at = figure.IndexOf(empty, StringComparison.Ordinal);
                return at < 0 ? figure : string.Concat(figure.AsSpan(0, at), "\"template\":", json, figure.AsSpan(at + empty.Length));
            }
            finally
            {
                layout.SetProperty("template", template);
            }
        }
    }
}
