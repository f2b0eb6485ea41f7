namespace NeuralNet;
internal static class Placeholder { }
