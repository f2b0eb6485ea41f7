from chapters import md, code, params, header

FILE = "01-data-preparation.ipynb"

cells = header(
    "Chapter 1 — Data preparation: from IDX bytes to shuffled mini-batches",
    """
    - what MNIST is, and how its files are laid out byte by byte (you will read a header by hand);
    - what the digits look like, how many there are of each, and how their pixels are distributed;
    - why we scale pixels to [0, 1], flatten each 28×28 image into 784 numbers, and one-hot encode labels;
    - how to hold out a validation set, and how to cut an epoch into shuffled mini-batches.

    Every step is written out first, then done with the library (`NeuralNet.Data`), and a chart confirms it.
    """,
) + [
    md("""
        ## Parameters

        Change a number here and re-run the chapter (*Run All*) to see what it does.
    """),
    params("""
        var seed = 42;                   // seeds the split and the shuffling: same seed, same batches
        var validationFraction = 1.0 / 6; // share of the 60,000 training images held out for validation
        var batchSize = 64;              // images per mini-batch
        var gridCount = 40;              // how many digits the first grid shows
    """),
    md("""
        ## 1. What MNIST is

        MNIST (LeCun, Cortes and Burges, 1998) is 70,000 handwritten digits, each a 28×28 grey-scale image with
        a label 0–9: **60,000 for training** and **10,000 for testing**, written by different people. It is
        small enough to train on a laptop in seconds and hard enough that the last percent of accuracy takes
        real ideas — the "hello world" of neural networks.

        The library finds the four files in the repository's `data/mnist/` folder (walking up from this
        notebook's folder), fetching and checking them against pinned SHA-256 sums the first time:
    """),
    code("""
        var dataDirectory = DataDirectory.Resolve();
        Console.WriteLine($"data folder: {dataDirectory}");
        foreach (var file in Directory.GetFiles(Path.Combine(dataDirectory, "mnist")).Order())
            Console.WriteLine($"  {Path.GetFileName(file),-28} {new FileInfo(file).Length,12:N0} bytes");
    """),
    code("""
        var (train, test) = Mnist.Load();
        Console.WriteLine(train);
        Console.WriteLine(test);
        if (train.Count != 60_000 || test.Count != 10_000) throw new Exception("MNIST should have 60,000 + 10,000 images.");
    """),
    md("""
        ## 2. The IDX format, read by hand

        The files use the **IDX** format: a tiny header, then the raw values. All integers in the header are
        4-byte **big-endian** (most significant byte first):

        | offset | bytes | meaning |
        |---|---|---|
        | 0 | 2 | always zero |
        | 2 | 1 | element type: `0x08` = unsigned byte |
        | 3 | 1 | number of dimensions *d* (3 for images, 1 for labels) |
        | 4 | 4·*d* | size of each dimension |
        | 4 + 4·*d* | … | the values, last dimension fastest (row by row) |

        So the image file starts with 16 header bytes (magic number `0x00000803`, then 60000, 28, 28), and pixel
        *(r, c)* of image *i* is at byte $16 + 784\\,i + 28\\,r + c$. The files are gzip-compressed on disk, so we
        read them through a `GZipStream`:
    """),
    code("""
        using System.Buffers.Binary;
        using System.IO.Compression;

        byte[] ReadStart(string name, int count)
        {
            var path = Directory.GetFiles(Path.Combine(dataDirectory, "mnist"), name + "*").First();
            using Stream file = File.OpenRead(path);
            using Stream stream = path.EndsWith(".gz") ? new GZipStream(file, CompressionMode.Decompress) : file;
            var bytes = new byte[count];
            stream.ReadExactly(bytes);
            return bytes;
        }

        var header = ReadStart("train-images-idx3-ubyte", 16 + 784);
        Console.WriteLine("first 16 bytes: " + Convert.ToHexString(header, 0, 16));
        int magic = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(0, 4));
        int count = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4, 4));
        int rows = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(8, 4));
        int cols = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(12, 4));
        Console.WriteLine($"magic 0x{magic:X8}: type 0x{header[2]:X2} (unsigned byte), {header[3]} dimensions");
        Console.WriteLine($"dimensions: {count} x {rows} x {cols}");

        var labelHeader = ReadStart("train-labels-idx1-ubyte", 8 + 10);
        Console.WriteLine($"labels: magic 0x{BinaryPrimitives.ReadInt32BigEndian(labelHeader):X8}, " +
                          $"{BinaryPrimitives.ReadInt32BigEndian(labelHeader.AsSpan(4))} labels, first ten: " +
                          string.Join(" ", labelHeader[8..]));
    """),
    md("""
        The first image, straight from the bytes (0 = background, 255 = full ink). Each row of numbers is a row of
        pixels — you can almost see the digit in the text:
    """),
    code("""
        var firstImageBytes = header[16..];
        for (int r = 4; r < 24; r++)
            Console.WriteLine(string.Join("", Enumerable.Range(0, 28).Select(c => firstImageBytes[r * 28 + c] switch
            {
                0 => "  .",
                var b => $"{b,3}",
            })));
    """),
    md("""
        The library's reader (`IdxFile.Read`) does exactly this for every dimension and type, and checks that
        the file is as long as its header promises. Its first image must equal our bytes, scaled by 1/255:
    """),
    code("""
        var libraryImage = train.Image(0).ToArray();
        var largestDifference = Enumerable.Range(0, 784).Max(i => Math.Abs(libraryImage[i] - firstImageBytes[i] / 255f));
        Console.WriteLine($"label {train.Labels[0]}, largest difference to our bytes / 255: {largestDifference}");
        if (largestDifference > 1e-6) throw new Exception("The library's first image differs from the raw bytes.");
        Charts.Digit(train, 0)
    """),
    md("""
        ## 3. A grid of digits

        Handwriting varies a lot: slanted, thick, thin, open or closed loops. Hover over a digit to see its index
        and label.
    """),
    code("""
        Charts.DigitGrid(train, Enumerable.Range(0, gridCount).ToArray(), title: $"The first {gridCount} training digits")
    """),
    md("""
        ## 4. Class balance

        If one digit were rare, a network could ignore it and still score well; accuracy would then hide the
        problem. MNIST is roughly balanced: every class has between about 9% and 11% of the images, in both sets.
    """),
    code("""
        var trainCounts = train.ClassCounts();
        Console.WriteLine("train: " + string.Join("  ", trainCounts.Select((n, k) => $"{k}:{n}")));
        Console.WriteLine($"smallest class {trainCounts.Min()} ({100.0 * trainCounts.Min() / train.Count:F1}%), " +
                          $"largest {trainCounts.Max()} ({100.0 * trainCounts.Max() / train.Count:F1}%)");
        Charts.ClassHistogram([train, test], normalize: true, title: "Share of each digit in the training and test sets")
    """),
    md("""
        ## 5. The pixel values

        Most pixels are background (exactly 0); a smaller group is full ink (near 255); the rest are the grey
        anti-aliased edges of the strokes. The y axis is logarithmic, otherwise the background bar would
        flatten everything else.
    """),
    code("""
        var rawPixels = ReadStart("train-images-idx3-ubyte", 16 + 784 * 10_000)[16..]; // raw bytes of the first 10,000 images
        var zeroShare = rawPixels.Count(b => b == 0) / (double)rawPixels.Length;
        Console.WriteLine($"{zeroShare:P1} of the pixels are exactly 0; mean byte value {rawPixels.Average(b => (double)b):F1}");
        Charts.PixelHistogram(rawPixels.AsSpan(), bins: 32, title: "Raw pixel bytes of 10,000 training images")
    """),
    md("""
        ## 6. Scaling to [0, 1]

        The network's first step is a weighted sum $z = \\sum_{i=1}^{784} w_i x_i + b$. With raw bytes, $x_i$ is
        up to 255, so $z$ comes out about 255 times larger than with $x_i \\in [0, 1]$ — and every weight
        initialisation and learning rate we will use assumes inputs of size about 1. Big inputs mean big $z$,
        saturated sigmoids, huge gradients and a training run that diverges. So the loader divides by 255:
        $x = \\text{byte} / 255 \\in [0, 1]$.

        Let's measure it: the same 100 random weights (drawn the way chapter 2's He initialisation does) applied
        to raw and to scaled pixels.
    """),
    code("""
        var random = new Random(seed);
        var w = new float[784 * 100];
        Gaussian.Fill(w, Math.Sqrt(2.0 / 784), random);
        double StdOfZ(Func<int, float> pixel)
        {
            var z = new List<double>();
            for (int image = 0; image < 200; image++)
                for (int unit = 0; unit < 100; unit++)
                {
                    double sum = 0;
                    for (int i = 0; i < 784; i++) sum += w[i * 100 + unit] * pixel(image * 784 + i);
                    z.Add(sum);
                }
            var mean = z.Average();
            return Math.Sqrt(z.Average(v => (v - mean) * (v - mean)));
        }
        var rawStd = StdOfZ(i => rawPixels[i]);
        var scaledStd = StdOfZ(i => rawPixels[i] / 255f);
        Console.WriteLine($"std of z with raw bytes:   {rawStd,8:F2}");
        Console.WriteLine($"std of z with x in [0, 1]: {scaledStd,8:F3}   (ratio {rawStd / scaledStd:F0})");
        Charts.PixelHistogram(train, title: "Pixel values after scaling: all 47 million in [0, 1]")
    """),
    md("""
        ## 7. Flattening: 28×28 → 784

        The networks in chapters 2–5 see an image as one row of 784 numbers, $x \\in \\mathbb{R}^{784}$: row 0 of
        the image first, then row 1, and so on, so pixel $(r, c)$ lands at index $i = 28r + c$ (and back:
        $r = \\lfloor i / 28 \\rfloor$, $c = i \\bmod 28$). A batch of $B$ images is a matrix
        $X \\in \\mathbb{R}^{B \\times 784}$, one image per row — `train.Images` is that matrix for all 60,000.

        Flattening throws away which pixels are neighbours; a fully connected network has to learn it from the
        data. (Convolutional networks keep it, which is one reason they do better.)
    """),
    code("""
        Console.WriteLine($"train.Images is {train.Images.Shape}: one row of {train.FeatureCount} pixels per image");
        int rr = 14, cc = 10, index = 28 * rr + cc;
        Console.WriteLine($"pixel (row {rr}, column {cc}) of image 0 is element {index} of its row: {train.Images[0, index]:F3}");
        var flat = train.Image(0).ToArray();
        Chart.Line<int, float, string>(x: Enumerable.Range(0, 784).ToArray(), y: flat, Name: "pixel")
            .WithTitleText("Image 0 as one row of 784 numbers: each bump is one row of the digit")
            .WithXAxis("index i = 28·row + column")
            .WithYAxis("value")
    """),
    md("""
        ## 8. One-hot labels

        The network will output 10 numbers per image, one per class. To compare them with the label we write the
        label as a vector of the same length, 1 at the label's position and 0 elsewhere:

        $$y = 3 \\;\\longmapsto\\; \\mathbf{y} = (0, 0, 0, 1, 0, 0, 0, 0, 0, 0)$$

        For a batch, $Y \\in \\{0, 1\\}^{B \\times 10}$ with exactly one 1 per row. By hand, then with the library:
    """),
    code("""
        int[] firstLabels = train.Labels[..8];
        var byHand = new float[8, 10];
        for (int i = 0; i < 8; i++) byHand[i, firstLabels[i]] = 1f;

        var oneHot = ImageDataset.OneHot(firstLabels, 10);
        Console.WriteLine($"one-hot matrix {oneHot.Shape}");
        for (int i = 0; i < 8; i++)
            Console.WriteLine($"label {firstLabels[i]} -> " + string.Join(" ", oneHot.Row(i).ToArray()));
        var same = Enumerable.Range(0, 8).All(i => Enumerable.Range(0, 10).All(k => oneHot[i, k] == byHand[i, k]));
        Console.WriteLine($"library equals the hand-made version: {same}");
        if (!same) throw new Exception("One-hot encodings differ.");
    """),
    md("""
        ## 9. A validation set

        The test set is for the very end (chapter 5): if we used it to choose a learning rate or when to stop, we
        would be fitting our choices to it, and its accuracy would no longer tell us how the network does on
        new digits. So we hold out part of the training set as a **validation set** to make those choices with.

        `Split` shuffles the indices with the seed and cuts them: here $\\lfloor 60000 \\times$ `validationFraction`$\\rfloor$
        images for validation and the rest for training. Both keep the class balance:
    """),
    code("""
        var (trainPart, validation) = train.Split(validationFraction, seed);
        Console.WriteLine(trainPart);
        Console.WriteLine(validation);
        if (trainPart.Count + validation.Count != train.Count) throw new Exception("The split lost images.");
        Charts.ClassHistogram([trainPart, validation], normalize: true, title: "Training and validation parts have the same class balance")
    """),
    md("""
        ## 10. Shuffled mini-batches

        Training updates the weights after every **mini-batch** of $B$ images rather than after each image (noisy
        and slow) or after all 50,000 (one step per pass — far too few). One pass over the training data is an
        **epoch**: $\\lceil N / B \\rceil$ batches. Shuffling the order every epoch keeps batches from always
        containing the same images together, which would bias each step.

        Written in the open — shuffle the indices, then cut consecutive slices:
    """),
    code("""
        var order = Enumerable.Range(0, trainPart.Count).ToArray();
        new Random(seed).Shuffle(order);
        var batches = order.Chunk(batchSize).ToList();
        Console.WriteLine($"{trainPart.Count} images / batch size {batchSize} = {batches.Count} batches " +
                          $"(the last has {batches[^1].Length})");
        Console.WriteLine("labels in the first batch: " + string.Join(" ", batches[0].Select(i => trainPart.Labels[i])));
        var seen = batches.SelectMany(b => b).Distinct().Count();
        Console.WriteLine($"each image appears exactly once per epoch: {seen == trainPart.Count}");
    """),
    md("""
        The library's `Batches` does the same and hands out `MiniBatch` values holding an images matrix
        ($B \\times 784$) and the labels:
    """),
    code("""
        var firstBatch = trainPart.Batches(batchSize, new Random(seed)).First();
        Console.WriteLine($"first batch: images {firstBatch.Images.Shape}, {firstBatch.Labels.Length} labels");
        var epochLabels = trainPart.Batches(batchSize, new Random(seed)).Sum(b => b.Size);
        if (epochLabels != trainPart.Count) throw new Exception($"An epoch should see {trainPart.Count} images, saw {epochLabels}.");
        Charts.DigitGrid(firstBatch.Images, firstBatch.Labels.ToArray(), columns: 16,
            title: $"One shuffled mini-batch of {firstBatch.Size} images")
    """),
    md("""
        ## Summary

        - MNIST: 60,000 + 10,000 grey 28×28 digits; IDX files are a big-endian header then raw bytes.
        - Pixels are scaled to [0, 1] so weighted sums stay around 1; each image becomes a row of 784 numbers.
        - Labels become one-hot rows of 10; a validation set is held out from training for our choices.
        - An epoch is the training set cut into shuffled mini-batches.

        ## Try this

        1. Set `validationFraction = 0.5`. How do the class shares of the two parts change? Why hardly at all?
        2. Change `seed` and re-run: which charts change, and which stay identical?
        3. Print image 0 as bytes again, but only the pixels above 128. Is that "binarised" digit still readable?
           (Some early MNIST models used exactly that.)
        4. Find the image whose mean pixel value is largest (the "boldest" digit) and draw it with `Charts.Digit`.
        5. Read the test-label file's header by hand with `ReadStart("t10k-labels-idx1-ubyte", 8)`. What is its
           magic number, and why does it end in `01`?

        Next: **chapter 2**, where these 784 numbers go through a network for the first time.
    """),
]
