namespace NeuralNet.Layers;

/// <summary>
/// How many values the parameters of one layer may still take: a model loader passes the count the file holds,
/// so settings that ask for more fail with a <see cref="FormatException"/> naming <see cref="Owner"/> before
/// anything is allocated. Given to a layer through <see cref="LayerSpec.Budget"/> and its constructor.
/// </summary>
public sealed class ParameterBudget(long floats, string owner)
{
    /// <summary>Values still free.</summary>
    public long Remaining { get; private set; } = floats;

    /// <summary>Whose parameters these are, for the error message, e.g. <c>layer 3 (Linear)</c>.</summary>
    public string Owner { get; } = owner;

    /// <summary>Takes <paramref name="rows"/> x <paramref name="cols"/> values for parameter <paramref name="name"/>, or throws if they are not left.</summary>
    /// <exception cref="FormatException">Fewer values are left than the parameter needs.</exception>
    public void Take(string name, int rows, int cols)
    {
        long floats = (long)rows * cols;
        if (floats > Remaining)
            throw new FormatException($"{Owner}: its settings ask for parameter {name} of {rows}x{cols} = {floats:N0} values, " +
                                      $"but the file holds only {Remaining:N0} more for this layer.");
        Remaining -= floats;
    }
}
