namespace NeuralNet.Data;

/// <summary>
/// How <see cref="ImageAugmenter"/> varies each training image: a random shift of up to
/// <see cref="MaxShift"/> pixels in each direction and a random rotation of up to
/// <see cref="MaxRotationDegrees"/> either way. A network that sees every digit slightly moved and
/// turned each epoch learns that position and slant do not change the class — and copes better with
/// digits photographed or drawn by people rather than scanned for MNIST.
/// </summary>
/// <param name="MaxShift">Largest shift in pixels, drawn uniformly per image and axis from [−MaxShift, MaxShift].</param>
/// <param name="MaxRotationDegrees">Largest rotation in degrees, drawn uniformly per image from [−max, max].</param>
public sealed record Augmentation(double MaxShift = 2, double MaxRotationDegrees = 12)
{
    /// <summary>Throws if a setting is out of range; the message names the setting.</summary>
    public void Validate()
    {
        if (!(MaxShift >= 0 && MaxShift <= 10)) throw new ArgumentOutOfRangeException(nameof(MaxShift), MaxShift, "MaxShift must be in [0, 10] pixels.");
        if (!(MaxRotationDegrees >= 0 && MaxRotationDegrees <= 90))
            throw new ArgumentOutOfRangeException(nameof(MaxRotationDegrees), MaxRotationDegrees, "MaxRotationDegrees must be in [0, 90].");
    }

    /// <inheritdoc/>
    public override string ToString() => $"shift ±{MaxShift:0.#} px, rotation ±{MaxRotationDegrees:0.#}°";
}
