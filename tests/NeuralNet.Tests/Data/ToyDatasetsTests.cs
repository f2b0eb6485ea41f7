using NeuralNet.Data;

namespace NeuralNet.Tests.Data;

public class ToyDatasetsTests
{
    [Fact]
    public void Spiral_has_balanced_classes_of_2_D_points_inside_the_unit_disc_without_noise()
    {
        ImageDataset spiral = ToyDatasets.Spiral(pointsPerClass: 50, classes: 3, noise: 0);

        Assert.Equal(150, spiral.Count);
        Assert.Equal(2, spiral.FeatureCount);
        Assert.Equal([50, 50, 50], spiral.ClassCounts());
        for (int i = 0; i < spiral.Count; i++)
        {
            double r = Math.Sqrt(spiral.Images[i, 0] * spiral.Images[i, 0] + spiral.Images[i, 1] * spiral.Images[i, 1]);
            Assert.InRange(r, 0, 1 + 1e-6);
        }
    }

    [Fact]
    public void Spiral_arms_are_the_same_curve_rotated_by_a_class_share_of_a_turn()
    {
        ImageDataset spiral = ToyDatasets.Spiral(pointsPerClass: 10, classes: 2, noise: 0);

        // Point i of class 1 is point i of class 0 turned by half a turn: (x, y) → (−x, −y).
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(-spiral.Images[i, 0], spiral.Images[10 + i, 0], 5);
            Assert.Equal(-spiral.Images[i, 1], spiral.Images[10 + i, 1], 5);
        }
    }

    [Fact]
    public void Moons_without_noise_lie_on_two_half_circles()
    {
        ImageDataset moons = ToyDatasets.Moons(pointsPerClass: 40, noise: 0);

        Assert.Equal([40, 40], moons.ClassCounts());
        for (int i = 0; i < moons.Count; i++)
        {
            // Undo the centring, then each point is 1 away from its moon's centre: (0, 0) or (1, 0.5).
            double x = moons.Images[i, 0] + 0.5, y = moons.Images[i, 1] + 0.25;
            (double cx, double cy) = moons.Labels[i] == 0 ? (0.0, 0.0) : (1.0, 0.5);
            Assert.Equal(1.0, Math.Sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)), 5);
            Assert.True(moons.Labels[i] == 0 ? y >= cy - 1e-6 : y <= cy + 1e-6, $"point {i} is on the wrong half");
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_points_and_another_seed_other_ones()
    {
        ImageDataset a = ToyDatasets.Create("spiral", 30, noise: 0.2, seed: 7);
        ImageDataset b = ToyDatasets.Create("Spiral", 30, noise: 0.2, seed: 7);
        ImageDataset c = ToyDatasets.Create("spiral", 30, noise: 0.2, seed: 8);

        Assert.Equal(a.Images.Data, b.Images.Data);
        Assert.NotEqual(a.Images.Data, c.Images.Data);
        Assert.Equal(a.Labels, b.Labels);
    }

    [Fact]
    public void Create_rejects_an_unknown_name_and_bad_sizes()
    {
        ArgumentException ex = Assert.Throws<ArgumentException>(() => ToyDatasets.Create("circles", 10, 0.1));
        Assert.Contains("spiral or moons", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ToyDatasets.Spiral(pointsPerClass: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ToyDatasets.Moons(noise: -1));
    }
}
