namespace NeuralNet.Data;

/// <summary>Progress while a dataset file is acquired: which file, from where, and how many bytes so far.</summary>
public readonly record struct DownloadProgress(string FileName, string Source, long BytesReceived, long? TotalBytes);
