// TorchSharp peer for the MLP epoch benchmark (issue 6): 784-128-64-10 ReLU, Adam(lr 1e-3), softmax
// cross-entropy, He-normal hidden layers, Xavier-uniform output, zero biases; a fresh permutation per epoch.
// Prints one RESULT line like the other peers. libtorch runs its products in MKL.
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using TorchSharp;
using static TorchSharp.torch;

string data = Arg("--data", "data/mnist");
int batch = int.Parse(Arg("--batch", "64"), CultureInfo.InvariantCulture);
int threads = int.Parse(Arg("--threads", "2"), CultureInfo.InvariantCulture);
int epochs = int.Parse(Arg("--epochs", "5"), CultureInfo.InvariantCulture);
torch.set_num_threads(threads);
torch.manual_seed(42);

var (xTrain, yTrain) = (Images(Path.Combine(data, "train-images-idx3-ubyte")), Labels(Path.Combine(data, "train-labels-idx1-ubyte")));
var (xTest, yTest) = (Images(Path.Combine(data, "t10k-images-idx3-ubyte")), Labels(Path.Combine(data, "t10k-labels-idx1-ubyte")));

var l1 = nn.Linear(784, 128); var l2 = nn.Linear(128, 64); var l3 = nn.Linear(64, 10);
using (no_grad())
{
    nn.init.kaiming_normal_(l1.weight, nonlinearity: nn.init.NonlinearityType.ReLU); nn.init.zeros_(l1.bias);
    nn.init.kaiming_normal_(l2.weight, nonlinearity: nn.init.NonlinearityType.ReLU); nn.init.zeros_(l2.bias);
    nn.init.xavier_uniform_(l3.weight); nn.init.zeros_(l3.bias);
}
var model = nn.Sequential(("l1", l1), ("r1", nn.ReLU()), ("l2", l2), ("r2", nn.ReLU()), ("l3", l3));
var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
var lossFn = nn.CrossEntropyLoss();

long n = xTrain.shape[0];
var seconds = new List<double>();
for (int epoch = 0; epoch < epochs; epoch++)
{
    var clock = Stopwatch.StartNew();
    using var order = randperm(n);
    for (long first = 0; first < n; first += batch)
    {
        using var scope = NewDisposeScope();
        var index = order.narrow(0, first, Math.Min(batch, n - first));
        var loss = lossFn.forward(model.forward(xTrain.index_select(0, index)), yTrain.index_select(0, index));
        optimizer.zero_grad();
        loss.backward();
        optimizer.step();
    }
    seconds.Add(clock.Elapsed.TotalSeconds);
}
double accuracy;
using (no_grad()) accuracy = model.forward(xTest).argmax(1).eq(yTest).to_type(ScalarType.Float32).mean().item<float>();
var sorted = seconds.Order().ToArray();
double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"RESULT peer=torchsharp batch={batch} threads={threads} epochs={epochs} median_s={median:0.0000} best_s={sorted[0]:0.0000} test_acc={accuracy:0.0000} epoch_s={string.Join(",", seconds.Select(s => s.ToString("0.0000", CultureInfo.InvariantCulture)))} version=TorchSharp-{typeof(torch).Assembly.GetName().Version} blas={Blas()}"));

string Arg(string name, string fallback) { int at = Array.IndexOf(args, name); return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback; }

static byte[] Read(string path)
{
    if (File.Exists(path)) return File.ReadAllBytes(path);
    using var gz = new GZipStream(File.OpenRead(path + ".gz"), CompressionMode.Decompress);
    using var memory = new MemoryStream();
    gz.CopyTo(memory);
    return memory.ToArray();
}

static Tensor Images(string path)
{
    byte[] bytes = Read(path);
    int count = (bytes[4] << 24) | (bytes[5] << 16) | (bytes[6] << 8) | bytes[7];
    var pixels = new float[count * 784];
    for (int i = 0; i < pixels.Length; i++) pixels[i] = bytes[16 + i] / 255f;
    return tensor(pixels, new long[] { count, 784 });
}

static Tensor Labels(string path)
{
    byte[] bytes = Read(path);
    return tensor(bytes.Skip(8).Select(b => (long)b).ToArray());
}

static string Blas()
{
    var libs = File.ReadLines("/proc/self/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(p => p.Length >= 6)
        .Select(p => p[5]).Where(p => p.Contains("mkl") || p.Contains("blas") || p.Contains("gomp") || p.Contains("iomp") || p.Contains("libtorch_cpu"))
        .Select(Path.GetFileName).Distinct();
    return string.Join(";", libs);
}
