// geolens-tiny-model OUT_DIR --tokenizer FILE [--layout geochat|geochat-bin|llava-hf|llava-hf-nested] [--half]
//                   [--answer TEXT] [--layers N] [--hidden N] [--intermediate N] [--output-scale S]
//                   [--vision-image-size N] [--vision-patch N] [--vision-hidden N] [--vision-layers N] ...
// Writes a tiny model with the real LLaVA/GeoChat structure and formula weights (TinyModel.h), so
// the engine and the CLI can be tried, and compared with other implementations, without real
// weights. geochat-bin stores it as GeoChat's release does (torch.save shards and their index);
// --half stores the weights as F16. --answer makes a scripted model that answers every prompt with
// TEXT (see TinyModelSpec::scriptedAnswer).

#include "TinyModel.h"

#include <iostream>
#include <string>

int main(int argc, char **argv)
{
    std::string out, tokenizer, layout = "geochat", answer;
    geolens::test::TinyModelSpec spec;
    bool half = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--tokenizer" && i + 1 < argc)
            tokenizer = argv[++i];
        else if (a == "--layout" && i + 1 < argc)
            layout = argv[++i];
        else if (a == "--layers" && i + 1 < argc)
            spec.layers = std::stoi(argv[++i]);
        else if (a == "--hidden" && i + 1 < argc)
            spec.hidden = std::stoi(argv[++i]);
        else if (a == "--output-scale" && i + 1 < argc)
            spec.outputScale = std::stod(argv[++i]);
        else if (a == "--heads" && i + 1 < argc)
            spec.heads = std::stoi(argv[++i]);
        else if (a == "--kv-heads" && i + 1 < argc)
            spec.kvHeads = std::stoi(argv[++i]);
        else if (a == "--max-positions" && i + 1 < argc)
            spec.maxPositions = std::stoi(argv[++i]);
        else if (a == "--intermediate" && i + 1 < argc)
            spec.intermediate = std::stoi(argv[++i]);
        else if (a == "--vision-image-size" && i + 1 < argc)
            spec.visionImageSize = std::stoi(argv[++i]);
        else if (a == "--vision-patch" && i + 1 < argc)
            spec.visionPatch = std::stoi(argv[++i]);
        else if (a == "--vision-hidden" && i + 1 < argc)
            spec.visionHidden = std::stoi(argv[++i]);
        else if (a == "--vision-intermediate" && i + 1 < argc)
            spec.visionIntermediate = std::stoi(argv[++i]);
        else if (a == "--vision-layers" && i + 1 < argc)
            spec.visionLayers = std::stoi(argv[++i]);
        else if (a == "--vision-heads" && i + 1 < argc)
            spec.visionHeads = std::stoi(argv[++i]);
        else if (a == "--answer" && i + 1 < argc)
            answer = argv[++i];
        else if (a == "--half")
            half = true;
        else if (!a.empty() && a[0] != '-' && out.empty())
            out = a;
        else {
            std::cerr << "geolens-tiny-model: unexpected argument '" << a << "'\n";
            return 2;
        }
    }
    if (out.empty() || tokenizer.empty()) {
        std::cerr << "usage: geolens-tiny-model OUT_DIR --tokenizer tokenizer.model "
                     "[--layout geochat|geochat-bin|llava-hf|llava-hf-nested] [--half] [--answer TEXT]\n"
                     "       [--layers N] [--hidden N] [--intermediate N] [--heads N] [--kv-heads N]\n"
                     "       [--max-positions N] [--output-scale 8]\n"
                     "       [--vision-image-size 16] [--vision-patch 4] [--vision-hidden 24] [--vision-intermediate 40]\n"
                     "       [--vision-layers 3] [--vision-heads 2]\n";
        return 2;
    }
    geolens::test::TinyLayout kind;
    if (layout == "geochat")
        kind = geolens::test::TinyLayout::GeoChat;
    else if (layout == "geochat-bin")
        kind = geolens::test::TinyLayout::GeoChatBin;
    else if (layout == "llava-hf")
        kind = geolens::test::TinyLayout::LlavaHf;
    else if (layout == "llava-hf-nested")
        kind = geolens::test::TinyLayout::LlavaHfNested;
    else {
        std::cerr << "geolens-tiny-model: --layout must be geochat, geochat-bin, llava-hf or llava-hf-nested\n";
        return 2;
    }
    try {
        spec.geochat = kind == geolens::test::TinyLayout::GeoChat || kind == geolens::test::TinyLayout::GeoChatBin;
        spec.halfPrecision = half;
        spec.scriptedAnswer = answer;
        geolens::test::writeTinyModel(out, spec, kind, tokenizer);
    } catch (const std::exception &e) {
        std::cerr << "geolens-tiny-model: " << e.what() << "\n";
        return 1;
    }
    std::cerr << "geolens-tiny-model: wrote a " << layout << (half ? " (f16)" : "") << " model to " << out << "\n";
    return 0;
}
