using System.Diagnostics;
using System.Text.Json;
using NeuralNet.Cli.Infrastructure;
using NeuralNet.Data;
using StbImageSharp;
using static NeuralNet.Cli.Tests.PictureSamples;

namespace NeuralNet.Cli.Tests;

/// <summary>
/// Pictures that hung, exhausted memory, or were misreported (issue 23: §1 hangs, §2 memory, §7 messages,
/// §8 a folder of pictures): each is answered or refused with one clear line, exit 2 at most, in bounded time.
/// The runs that could hang run under a time limit, so a hang fails the test instead of stalling the suite.
/// </summary>
[Collection("cli")]
public class PictureTests(CliFixture fixture)
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);

    // §1 ---------------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10 }, "APP0 segment at byte 2 claims 16 bytes")]  // hung nn predict forever
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x00, 0x00, 0x00 }, "declares a length of 0")]
    public void A_jpeg_whose_segment_runs_past_the_end_is_refused_at_once(byte[] content, string problem)
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("a.jpg"), content);

        CliRun run = RunWithin(Limit, "predict", fixture.Mnist.Path, temp.File("a.jpg"));

        AssertRefused(run, "a.jpg", "corrupt JPEG image", problem);
    }

    [Fact]
    public async Task The_guarded_stream_alone_ends_the_decoders_loop_on_a_six_byte_jpeg()
    {
        byte[] sixBytes = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];

        // Without the structure check in front: StbImageSharp itself, reading through PictureStream.
        Task info = Task.Run(() => ImageInfo.FromStream(new PictureStream(sixBytes, Limit, CancellationToken.None)));
        Task decode = Task.Run(() => ImageResult.FromStream(new PictureStream(sixBytes, Limit, CancellationToken.None), ColorComponents.GreyAlpha));

        await Assert.ThrowsAsync<PictureDataException>(() => info.WaitAsync(Limit));
        await Assert.ThrowsAsync<PictureDataException>(() => decode.WaitAsync(Limit));
    }

    [Fact]
    public void A_progressive_jpeg_repeating_a_scan_2000_times_over_6000x6000_pixels_is_refused_before_decoding()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("scans.jpg"), ProgressiveJpegWithRepeatedScan(6000, 2000));
        var clock = Stopwatch.StartNew();

        CliRun run = RunWithin(Limit, "predict", fixture.Mnist.Path, temp.File("scans.jpg"));

        AssertRefused(run, "scans.jpg", "2,006 scans of 36,000,000 pixels", "1,000,000,000");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public void Decoding_stops_when_the_time_limit_runs_out_between_two_reads()
    {
        // A noisy 300x300 JPEG: tens of thousands of reads, the clock is checked every 1024.
        var random = new Random(5);
        byte[] noise = new byte[300 * 300];
        random.NextBytes(noise);
        var jpeg = new MemoryStream();
        new StbImageWriteSharp.ImageWriter().WriteJpg(noise, 300, 300, StbImageWriteSharp.ColorComponents.Grey, jpeg, 95);

        PictureDataException e = Assert.Throws<PictureDataException>(() =>
            ImageResult.FromStream(new PictureStream(jpeg.ToArray(), TimeSpan.Zero, CancellationToken.None), ColorComponents.GreyAlpha));

        Assert.True(e.IsTimeLimit);
        Assert.Contains("decoding took more than 0 s", e.Message);
    }

    [Fact]
    public void A_cancelled_token_stops_decoding_and_predict_exits_130_with_the_answers_so_far()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Throws<OperationCanceledException>(() => ImageFiles.Read(Sample("progressive.jpg"), cancelled.Token));
        Assert.Throws<OperationCanceledException>(() => new PictureStream([1, 2, 3], Limit, cancelled.Token).ReadByte());
        CliRun run = Nn.Run(cancelled.Token, "predict", fixture.Mnist.Path, Sample("interlaced.png"));
        Assert.True(run.ExitCode == 130, run.ToString());
        Assert.Contains("Ctrl+C", run.Err);
    }

    /// <summary>Every picture that ever hung or crashed nn (found by the probes of issue 23 and by the fuzz test), kept.</summary>
    public static TheoryData<string> Regressions()
    {
        var names = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "images", "regressions")).Order())
            names.Add(Path.GetFileName(file));
        return names;
    }

    [Theory]
    [MemberData(nameof(Regressions))]
    public void A_picture_that_once_failed_is_answered_or_refused_in_bounded_time(string name)
    {
        CliRun run = RunWithin(Limit, "predict", fixture.Mnist.Path, Path.Combine(AppContext.BaseDirectory, "images", "regressions", name));

        Assert.True(run.ExitCode is 0 or 2, run.ToString());
        if (run.ExitCode == 2) Assert.StartsWith("error: ", run.Err);
    }

    // §2 ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void Dev_zero_a_fifo_and_a_link_to_it_are_refused_without_being_read()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var temp = new TempFolder();
        string fifo = temp.File("pipe.png");
        Process.Start("mkfifo", fifo)!.WaitForExit();

        File.CreateSymbolicLink(temp.File("link.png"), "pipe.png");

        CliRun zero = RunWithin(Limit, "predict", fixture.Mnist.Path, "/dev/zero");
        CliRun pipe = RunWithin(Limit, "predict", fixture.Mnist.Path, fifo);
        CliRun link = RunWithin(Limit, "predict", fixture.Mnist.Path, temp.File("link.png"));

        AssertRefused(zero, "/dev/zero", "not a regular file");
        AssertRefused(pipe, "pipe.png", "not a regular file");
        AssertRefused(link, "link.png", "not a regular file");
    }

    [Fact]
    public void A_large_sparse_file_is_judged_by_its_first_bytes_and_its_size_without_reading_it()
    {
        using var temp = new TempFolder();
        string zeros = temp.File("zeros.png"), big = temp.File("big.png");
        using (FileStream stream = File.Create(zeros)) stream.SetLength(1_900_000_000);
        using (FileStream stream = File.Create(big))
        {
            stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
            stream.SetLength(2_200_000_000);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();

        CliRun first = RunWithin(Limit, "predict", fixture.Mnist.Path, zeros);
        CliRun second = Nn.Run("predict", fixture.Mnist.Path, big);

        AssertRefused(first, "zeros.png", "starts with 00 00 00 00");
        AssertRefused(second, "big.png", "2,200,000,000 bytes", "536,870,912");
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "allocated more than 64 MB");
    }

    [Fact]
    public void A_1x1_png_holding_a_zlib_bomb_is_refused_before_the_decoder_inflates_it()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("bomb.png"), Png(1, 1, Zlib(new byte[64 << 20]))); // 64 MB of zeros in about 64 KB

        CliRun run = RunWithin(Limit, "predict", fixture.Mnist.Path, temp.File("bomb.png"));

        AssertRefused(run, "bomb.png", "inflates to more than the 2 bytes", "decompression bomb");
    }

    [Fact]
    public void Predict_keeps_one_decoded_picture_at_a_time()
    {
        using var temp = new TempFolder();
        var files = new List<string>();
        for (int i = 0; i < 6; i++)
        {
            // 2000x2000: 16 MB of float pixels each once decoded; a light page with a dark block as the "digit".
            byte[] page = Enumerable.Repeat((byte)230, 2000 * 2000).ToArray();
            for (int r = 700; r < 1300; r++) for (int c = 900 + 40 * i; c < 1100 + 40 * i; c++) page[r * 2000 + c] = 20;
            files.Add(temp.File($"page{i}.png"));
            TestData.WritePng(files[^1], 2000, 2000, page);
        }
        string model = fixture.Mnist.Path;
        var output = new MemoryWatchingWriter();

        int code = NnApp.Run(["predict", model, .. files], new CliHost(output, new StringWriter()));
        long after = GC.GetTotalMemory(forceFullCollection: true); // the run's memory, pictures included, is free again

        Assert.Equal(0, code);
        Assert.Equal(6, output.Lines);
        Assert.True(output.MostRetained - after < 48 << 20,
            $"{(output.MostRetained - after) / 1e6:0} MB more retained while answering than after the run: the decoded pictures (16 MB each) are kept");
    }

    // §7 ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void A_png_truncated_anywhere_is_refused_in_words_not_an_exception_name()
    {
        using var temp = new TempFolder();
        byte[] whole = File.ReadAllBytes(Sample("interlaced.png"));
        for (int tenth = 1; tenth < 10; tenth++)
        {
            string name = $"cut{tenth}.png";
            File.WriteAllBytes(temp.File(name), whole[..(whole.Length * tenth / 10)]);

            CliRun run = RunWithin(Limit, "predict", fixture.Mnist.Path, temp.File(name));

            AssertRefused(run, name, "corrupt PNG image");
            Assert.DoesNotContain("Exception", run.Err);
            Assert.Contains("truncated", run.Err);
        }
    }

    [Fact]
    public void A_png_with_an_empty_idat_says_there_is_no_pixel_data()
    {
        using var temp = new TempFolder();
        File.WriteAllBytes(temp.File("empty-idat.png"), Png(28, 28, []));

        CliRun run = RunWithin(Limit, "predict", fixture.Mnist.Path, temp.File("empty-idat.png"));

        AssertRefused(run, "empty-idat.png", "IDAT", "no pixel data");
        Assert.DoesNotContain("Value cannot be null", run.Err);
    }

    [Fact]
    public void A_newline_in_a_file_name_is_written_as_an_escape_so_each_answer_stays_one_line()
    {
        if (OperatingSystem.IsWindows()) return; // no newlines in Windows file names
        using var temp = new TempFolder();
        string file = temp.File("two\nlines.png");
        File.Copy(Sample("interlaced.png"), file);

        CliRun run = Nn.Run("predict", fixture.Mnist.Path, file, "--top", "1");

        Assert.True(run.ExitCode == 0, run.ToString());
        string line = Assert.Single(run.Out.TrimEnd('\n').Split('\n'));
        Assert.Contains("two\\nlines.png: 7 (", line);
    }

    // §8 ---------------------------------------------------------------------------------------------------------

    [Fact]
    public void One_refused_picture_among_several_is_reported_on_its_own_line_and_the_others_are_answered()
    {
        using var temp = new TempFolder();
        File.Copy(Sample("interlaced.png"), temp.File("a.png"));
        File.WriteAllBytes(temp.File("bad.png"), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3]);
        File.Copy(Sample("progressive.jpg"), temp.File("b.jpg"));
        string[] args = ["predict", fixture.Mnist.Path, temp.File("a.png"), temp.File("bad.png"), temp.File("b.jpg"), "--top", "1"];

        CliRun text = Nn.Run(args);
        CliRun json = Nn.Run([.. args, "--json"]);

        Assert.True(text.ExitCode == 2, text.ToString());
        string[] answers = text.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(2, answers.Length);
        Assert.Contains("a.png: 7 (", answers[0]);
        Assert.Contains("b.jpg: 7 (", answers[1]);
        string refusal = Assert.Single(text.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", refusal);
        Assert.Contains("bad.png", refusal);

        Assert.True(json.ExitCode == 2, json.ToString());
        using var document = JsonDocument.Parse(json.Out);
        JsonElement[] entries = [.. document.RootElement.EnumerateArray()];
        Assert.Equal(3, entries.Length);
        Assert.Equal("7", entries[0].GetProperty("prediction").GetString());
        Assert.EndsWith("bad.png", entries[1].GetProperty("file").GetString());
        Assert.Contains("corrupt PNG image", entries[1].GetProperty("error").GetString());
        Assert.False(entries[1].TryGetProperty("prediction", out _));
        Assert.Equal("7", entries[2].GetProperty("prediction").GetString());
    }

    [Fact]
    public void A_small_clearly_drawn_digit_on_a_noisy_grey_page_is_not_called_blank()
    {
        using var temp = new TempFolder();
        byte[] page = SmallZeroOnNoisyPage(out int width, out int height);
        TestData.WritePng(temp.File("small-zero.png"), width, height, page);

        CliRun run = Nn.Run("predict", fixture.Mnist.Path, temp.File("small-zero.png"), "--json");

        Assert.True(run.ExitCode == 0, run.ToString());
        using var document = JsonDocument.Parse(run.Out);
        Assert.Equal("0", document.RootElement[0].GetProperty("prediction").GetString());
    }

    // Runs nn under a time limit: a run still going after it fails the test (and is asked to stop).
    private static CliRun RunWithin(TimeSpan limit, params string[] args)
    {
        using var stop = new CancellationTokenSource();
        Task<CliRun> run = Task.Run(() => Nn.Run(stop.Token, args));
        if (!run.Wait(limit))
        {
            stop.Cancel();
            Assert.Fail($"nn {string.Join(' ', args)} still runs after {limit.TotalSeconds} s");
        }
        return run.Result;
    }

    private static void AssertRefused(CliRun run, string name, params string[] parts)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        string line = Assert.Single(run.Err.TrimEnd('\n').Split('\n'));
        Assert.StartsWith("error: ", line);
        Assert.Contains(name, line);
        foreach (string part in parts) Assert.Contains(part, line);
        Assert.Equal("", run.Out);
    }

    // Standard output that measures, at each answer line, the memory the process still holds (after a full collection).
    private sealed class MemoryWatchingWriter : StringWriter
    {
        public int Lines { get; private set; }
        public long MostRetained { get; private set; }

        public override void Write(char value) { base.Write(value); Count(value == '\n' ? 1 : 0); }

        public override void Write(string? value) { base.Write(value); Count(value?.Count(c => c == '\n') ?? 0); }

        public override void Write(char[] buffer, int index, int count) { base.Write(buffer, index, count); Count(buffer.AsSpan(index, count).Count('\n')); }

        private void Count(int newLines)
        {
            if (newLines == 0) return;
            Lines += newLines;
            MostRetained = Math.Max(MostRetained, GC.GetTotalMemory(forceFullCollection: true));
        }
    }
}
