using NeuralNet.Tensors;

namespace NeuralNet.Data;

/// <summary>
/// Turns IDX arrays (as <c>IdxFile.Read</c> returns them) into the <see cref="ImageDataset"/> the trainer
/// consumes. It lives here, not in the network library, because only this project knows the IDX format.
/// </summary>
public static class IdxDataset
{
    /// <summary>
    /// Builds a dataset from IDX arrays: images N x H x W of unsigned bytes (scaled by 1/255), labels N of
    /// unsigned bytes. Errors name the files.
    /// </summary>
    public static ImageDataset ToImageDataset(string name, IdxArray images, string imagesPath, IdxArray labels, string labelsPath,
        IReadOnlyList<string> classNames)
    {
        if (images.DataType != IdxDataType.UnsignedByte || images.Dimensions.Length != 3)
            throw new DataFileException(imagesPath, $"expected images as 3 dimensions (count x rows x columns) of unsigned bytes, found {images.Dimensions.Length} dimensions of {images.DataType}.", 2);
        if (labels.DataType != IdxDataType.UnsignedByte || labels.Dimensions.Length != 1)
            throw new DataFileException(labelsPath, $"expected labels as 1 dimension of unsigned bytes, found {labels.Dimensions.Length} dimensions of {labels.DataType}.", 2);
        int count = images.Dimensions[0], height = images.Dimensions[1], width = images.Dimensions[2];
        if (height == 0 || width == 0)
            throw new DataFileException(imagesPath, $"the images are {height}x{width} pixels; each needs at least 1x1.", height == 0 ? 8 : 12);
        if ((long)height * width > int.MaxValue)
            throw new DataFileException(imagesPath, $"the images are {height}x{width} pixels, more than {int.MaxValue:N0} per image.", 8);
        if (labels.Dimensions[0] != count)
            throw new DataFileException(labelsPath, $"has {labels.Dimensions[0]} labels but {imagesPath} has {count} images; the counts must match.", 4);

        int[] labelValues = new int[count];
        for (int i = 0; i < count; i++)
        {
            int label = labels.Bytes[i];
            if (label >= classNames.Count)
                throw new DataFileException(labelsPath, $"label {label} of sample {i} is outside the {classNames.Count} classes 0..{classNames.Count - 1}.", 8 + i);
            labelValues[i] = label;
        }

        var pixels = new Matrix(count, height * width);
        Span<float> destination = pixels.Span;
        ReadOnlySpan<byte> source = images.Bytes;
        // Bytes 0..255 become 0..1: small inputs keep the first layer's sums (and so its gradients) in a good range.
        for (int i = 0; i < destination.Length; i++) destination[i] = source[i] / 255f;
        return new ImageDataset(name, pixels, labelValues, height, width, classNames);
    }
}
