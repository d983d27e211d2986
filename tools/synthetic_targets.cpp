// geolens-synthetic-targets: writes a targets folder (as `geolens-cli aspects` makes one) of
// synthetic overhead scenes whose classes are combinations of three visible attributes (water,
// buildings, vegetation), with an oracle teacher that answers the attribute questions with some
// noise. It measures what the aspect targets add to a classifier trained on few images, where
// no GeoChat weights or benchmark images are at hand (docs/classifier.md). Not a test.

#include "distill/AspectTargetTable.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>

using namespace geolens;

namespace {

struct Scene {
    RgbImage image;
    bool water = false, buildings = false, vegetation = false;
};

void fill(RgbImage &image, int x0, int y0, int w, int h, int r, int g, int b, int jitter, std::mt19937_64 &random)
{
    std::uniform_int_distribution<int> noise(-jitter, jitter);
    for (int y = std::max(0, y0); y < std::min(image.height, y0 + h); ++y)
        for (int x = std::max(0, x0); x < std::min(image.width, x0 + w); ++x) {
            std::uint8_t *p = &image.pixels[static_cast<std::size_t>((y * image.width + x) * 3)];
            p[0] = static_cast<std::uint8_t>(std::clamp(r + noise(random), 0, 255));
            p[1] = static_cast<std::uint8_t>(std::clamp(g + noise(random), 0, 255));
            p[2] = static_cast<std::uint8_t>(std::clamp(b + noise(random), 0, 255));
        }
}

// Bare ground, then a winding band of water, blocks of roofs and patches of trees, each at a
// random place and size, so that no single pixel statistic gives the class away.
Scene scene(int size, int cls, std::mt19937_64 &random)
{
    Scene s;
    s.water = cls & 1;
    s.buildings = cls & 2;
    s.vegetation = cls & 4;
    s.image.width = s.image.height = size;
    s.image.pixels.resize(static_cast<std::size_t>(size * size * 3));
    std::uniform_int_distribution<int> tone(-25, 25), at(0, size - 1), extent(size / 8, size / 3);
    const int t = tone(random);
    fill(s.image, 0, 0, size, size, 140 + t, 120 + t, 95 + t, 35, random);
    if (s.water) {
        int x = at(random);
        for (int y = 0; y < size; y += 2) {
            x += std::uniform_int_distribution<int>(-2, 2)(random);
            fill(s.image, x - size / 12, y, size / 6, 2, 40, 70, 110, 15, random);
        }
    }
    if (s.buildings)
        for (int k = 0; k < 4 + static_cast<int>(random() % 5); ++k)
            fill(s.image, at(random), at(random), size / 10, size / 10, 200, 195, 190, 20, random);
    if (s.vegetation)
        for (int k = 0; k < 2 + static_cast<int>(random() % 3); ++k)
            fill(s.image, at(random), at(random), extent(random), extent(random), 55, 115, 50, 30, random);
    // Distractors: a little of every material in every scene.
    fill(s.image, at(random), at(random), 3, 3, 200, 195, 190, 20, random);
    fill(s.image, at(random), at(random), 3, 3, 55, 115, 50, 20, random);
    return s;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: geolens-synthetic-targets OUT_DIR IMAGES_PER_CLASS [SEED] [SIZE]\n");
        return 2;
    }
    const std::string out = argv[1];
    const int perClass = std::atoi(argv[2]);
    const std::uint64_t seed = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1;
    const int size = argc > 4 ? std::atoi(argv[4]) : 64;
    AspectTargetSettings settings;
    settings.source = "synthetic scenes, seed " + std::to_string(seed);
    settings.teacher = "oracle with noise";
    settings.classes = {"bare land", "river", "settlement", "riverside town", "woodland", "wooded river",
                        "leafy suburb", "mixed"};
    settings.aspects = {{"water", "Is there any water in the image?"},
                        {"buildings", "Are there buildings in the image?"},
                        {"vegetation", "Are there trees in the image?"}};
    settings.imageSize = size;
    try {
        AspectTargetTable table = AspectTargetTable::openForWriting(out, settings);
        std::mt19937_64 random(seed);
        std::normal_distribution<double> doubt(0.0, 0.08);
        for (int i = 0; i < perClass * 8; ++i) {
            const int cls = i % 8;
            const Scene s = scene(size, cls, random);
            AspectTarget t;
            t.id = "scene " + std::to_string(i);
            t.truth = settings.classes[static_cast<std::size_t>(cls)];
            // A teacher that is right about the classes most of the time, and sure of the aspects
            // but not certain: 0.9 or 0.1 with noise.
            t.classProbabilities.assign(8, 0.2 / 7);
            t.classProbabilities[static_cast<std::size_t>(cls)] = 0.8;
            for (bool present : {s.water, s.buildings, s.vegetation})
                t.aspectProbabilities.push_back(std::clamp((present ? 0.9 : 0.1) + doubt(random), 0.01, 0.99));
            table.append(t, s.image);
        }
        std::printf("%zu synthetic targets in %s\n", table.targets().size(), out.c_str());
    } catch (const std::exception &e) {
        std::fprintf(stderr, "geolens-synthetic-targets: %s\n", e.what());
        return 1;
    }
    return 0;
}
