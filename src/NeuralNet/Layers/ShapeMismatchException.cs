namespace NeuralNet.Layers;

/// <summary>Thrown when a layer is given an input whose width it cannot take. The message names the layer and both shapes.</summary>
public sealed class ShapeMismatchException(string message) : Exception(message);
