using System.Diagnostics;

namespace NeuralNet.Cli.Infrastructure;

/// <summary>
/// The read-only stream StbImageSharp decodes a picture from, with the limits its decoders lack. They read
/// only through a stream (ReadByte, Read, Seek from the current position), and treat the end of the data as
/// zeros; a segment whose length points past the end, or below its own start, made them loop forever, reading
/// nothing (a six-byte JPEG hung <c>nn predict</c>). Here:
/// <list type="bullet">
/// <item>a seek past the end or backwards from the current position is corrupt data, refused at once;</item>
/// <item>reads past the end are allowed a little (a file missing its last marker decodes as before), then refused;</item>
/// <item>all reads together may deliver at most a few times the file's length (no loop re-reads it forever);</item>
/// <item>every read checks the time limit and the cancellation token (Ctrl+C), so decoding stops within
/// one read of either; the work between two reads is bounded by the picture's pixels.</item>
/// </list>
/// Each refusal is a <see cref="PictureDataException"/>.
/// </summary>
internal sealed class PictureStream(byte[] bytes, TimeSpan timeLimit, CancellationToken cancellation) : Stream
{
    // Reads past the end that a decoder may make before the file counts as truncated.
    private const int ReadsPastEndAllowed = 4096;

    // Decoders rewind between the header probe and the decoding: a few passes over the file are normal.
    private const int PassesAllowed = 8;

    private readonly Stopwatch clock = Stopwatch.StartNew();
    private long position;
    private long delivered;
    private int readsPastEnd;
    private int calls;

    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => bytes.Length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int ReadByte()
    {
        Check(1);
        if (position >= bytes.Length) return -1;
        Delivered(1);
        return bytes[position++];
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Check(buffer.Length);
        int count = (int)Math.Min(buffer.Length, bytes.Length - position);
        bytes.AsSpan((int)position, count).CopyTo(buffer);
        position += count;
        Delivered(count);
        return count;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        Check(0);
        if (origin == SeekOrigin.Current && offset < 0)
            throw new PictureDataException($"a length field near byte {position} is too small (the decoder was sent back {-offset} bytes)", position);
        long target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => bytes.Length + offset,
        };
        if (target < 0 || target > bytes.Length)
            throw new PictureDataException(
                $"a length field near byte {position} points to byte {target}, past the end of the file ({bytes.Length} bytes): the file is truncated or corrupt", position);
        position = target;
        return position;
    }

    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private void Check(int requested)
    {
        cancellation.ThrowIfCancellationRequested();
        // The clock is read once every 1024 calls: most calls are ReadByte, a few nanoseconds of work each.
        if ((++calls & 1023) == 0 && clock.Elapsed > timeLimit)
            throw new PictureDataException($"decoding took more than {timeLimit.TotalSeconds:0} s; nn gives up on a picture after that", position) { IsTimeLimit = true };
        if (requested > 0 && position >= bytes.Length && ++readsPastEnd > ReadsPastEndAllowed)
            throw new PictureDataException($"the file ends at byte {bytes.Length} but the picture's data goes on: it is truncated", bytes.Length);
    }

    private void Delivered(int count)
    {
        delivered += count;
        if (delivered > PassesAllowed * (bytes.Length + 65536L))
            throw new PictureDataException($"the decoder read the file {PassesAllowed} times over without finishing: it is corrupt", position);
    }
}

/// <summary>A picture's data is corrupt, or its decoding ran out of time; <see cref="ByteOffset"/> is where that was found.</summary>
internal sealed class PictureDataException(string problem, long byteOffset) : Exception(problem)
{
    public long ByteOffset { get; } = byteOffset;

    /// <summary>The time limit ran out (the data may be valid, only too slow to decode).</summary>
    public bool IsTimeLimit { get; init; }
}
