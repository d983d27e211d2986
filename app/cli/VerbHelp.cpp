#include "cli/VerbHelp.h"

#include <map>

namespace geolens::cli {

namespace {

// Options that every verb loading a model takes.
const char *const ModelOptionsHelp =
    "  --device auto|cpu|cuda[:N]   where the model runs (auto: the first GPU when there is one)\n"
    "  --dtype auto|f32|bf16|f16    weight type (auto: bf16 on a GPU, f32 on the CPU; f16 on a GPU only)\n"
    "  --quantize none|int8         int8 decoder projections, on the CPU (a 7B model in about 7 GB with --dtype bf16)\n"
    "  --image-size N               the side each tile is resized to (a multiple of 14; the model's own by default)\n"
    "  --threads N                  CPU threads (default: every core)\n"
    "  --vision-tower DIR           a CLIP folder, for checkpoints that keep the vision tower apart\n"
    "                               (the original LLaVA-1.5 releases: openai/clip-vit-large-patch14-336)\n";

const char *const RasterOptionsHelp =
    "  --bands R,G,B                the raster bands shown as red, green and blue (1-based)\n"
    "  --stretch none|minmax|cut|LOW:HIGH[,...]   how band values become 8-bit colours\n";

std::map<std::string, std::string> helpTexts()
{
    std::map<std::string, std::string> h;
    h["info"] = "Prints a raster's size, bands, data type, georeferencing and overviews as JSON.\n\n"
                "Example:\n  geolens-cli info data/landsat8_b432.tif\n";
    h["tiles"] = std::string("Cuts a raster into the square tiles the model sees, as PNG files, with tiles.geojson\n"
                             "giving each tile's footprint in the raster's map coordinates.\n\n"
                             "Options:\n"
                             "  --out DIR                    where the tiles go (created)\n"
                             "  --size N                     tile side in pixels (504)\n"
                             "  --overlap F                  overlap between neighbours, 0-0.9 of a tile (0)\n") +
                 RasterOptionsHelp + "\nExample:\n  geolens-cli tiles data/landsat8_b432.tif --out tiles --size 504 --overlap 0.1\n";
    h["overviews"] = "Builds FILE.ovr, reduced copies of the raster, so that zoomed-out views and reads are fast.\n\n"
                     "Options:\n"
                     "  --resampling average|nearest|cubic|...   GDAL's resampling (average)\n\n"
                     "Example:\n  geolens-cli overviews big.tif\n";
    h["generate"] = std::string("Answers one question about one image, streaming the answer as it is generated.\n\n"
                                "Options:\n"
                                "  --model DIR                  the model folder (config.json, tokenizer.model, weights)\n"
                                "  --image FILE                 a PNG, JPEG, TIFF or PPM image\n"
                                "  --prompt TEXT                the question; [grounding], [refer], [identify] select GeoChat's tasks\n"
                                "  --max-new-tokens N           longest answer (256)\n"
                                "  --temperature T --top-p P --top-k K --repetition-penalty R --seed S   sampling (greedy by default)\n"
                                "  --json                       the answer, tokens, log-probabilities and timings as JSON\n") +
                    ModelOptionsHelp +
                    "\nExample:\n  geolens-cli generate --model ~/models/GeoChat-KD --image data/aero1.jpg \\\n"
                    "      --prompt \"[grounding] Where are the airplanes?\"\n";
    h["analyze"] = std::string("Labels every tile of a raster with the model and writes the results on the map:\n"
                               "scene classes, referred objects, grounded boxes or captions, in map coordinates.\n\n"
                               "Options:\n"
                               "  --model DIR                  the model folder (random:PRESET with --tokenizer FILE: random\n"
                               "                               weights of that shape, to time a run)\n"
                               "  --task scene|refer|grounding|caption   what to ask of each tile\n"
                               "  --classes \"a,b,c\" | --preset ucm|aid|nwpu   scene classes to choose from\n"
                               "  --mode generate|score        scene: answer freely, or score each class (generate)\n"
                               "  --query TEXT                 refer, grounding: what to look for\n"
                               "  --box x1,y1,x2,y2[,angle]    caption: the region to describe\n"
                               "  --tiles all|i,j,k            which tiles (all)\n"
                               "  --overlap F                  tile overlap (0)\n"
                               "  --batch N                    tiles per batch\n"
                               "  --max-new-tokens N           longest answer\n"
                               "  --classifier DIR             scene: label with a trained tile classifier instead of the\n"
                               "                               model (train-classifier's RUN_DIR/classifier); each tile\n"
                               "                               gets its class and a p_<aspect> field per aspect\n"
                               "  --out FILE.gpkg|.geojson|.csv   the results (written under a temporary name, then renamed)\n") +
                   ModelOptionsHelp + RasterOptionsHelp +
                   "\nExample:\n  geolens-cli analyze data/landsat8_b432.tif --model ~/models/GeoChat-KD \\\n"
                   "      --task scene --preset aid --out scenes.gpkg\n";
    h["aspects"] = std::string("The teacher pass of multi-aspect distillation. For every tile of a raster, or every image of a\n"
                               "folder, the model gives the probability of each class (its answers scored, as analyze\n"
                               "--mode score) and, for each aspect question, the probability that it answers yes. Each tile\n"
                               "is appended to TARGETS_DIR/targets.jsonl as soon as it is done, with its image for the\n"
                               "student; run the same command again to go on after a stop. A raster's targets are also\n"
                               "written on the map (TARGETS_DIR/targets.gpkg, one p_<aspect> field per aspect).\n"
                               "Images in subfolders of DIR take the subfolder's name as their true class.\n"
                               "Started by torchrun (one process a GPU), the processes share the tiles left and the\n"
                               "first one writes the folder.\n\n"
                               "Options:\n"
                               "  --model DIR                  the teacher model folder (random:geochat-7b|small|tiny with\n"
                               "                               --tokenizer FILE: random weights of that shape, to time a pass)\n"
                               "  --classes \"a,b,c\" | --preset ucm|aid|nwpu   the scene classes\n"
                               "  --aspects FILE               one yes/no question a line, \"key: question?\" (a built-in\n"
                               "                               list of 15 land-cover and object questions)\n"
                               "  --out TARGETS_DIR            the targets folder (new, empty, or one to resume)\n"
                               "  --store-size N               side of the stored tile images, the student's input (128)\n"
                               "  --tiles all|i,j,k            raster: which tiles (all)\n"
                               "  --tile-size N --overlap F    raster: the tile grid (504, 0)\n") +
                   ModelOptionsHelp + RasterOptionsHelp +
                   "\nExample:\n  geolens-cli aspects data/landsat8_b432.tif --model ~/models/GeoChat-KD --preset aid \\\n"
                   "      --out landsat-targets\n";
    h["train-classifier"] = std::string("Trains a small CNN (or a head on the teacher's frozen CLIP tower) on a teacher pass's\n"
                                        "targets: one output per class and one per aspect,\n"
                                        "cross-entropy on the classes plus binary cross-entropy on the aspects against the\n"
                                        "teacher's probabilities. Holds out a validation share, stops early when its accuracy\n"
                                        "stops improving, and keeps the best classifier in RUN_DIR/classifier for\n"
                                        "analyze --classifier. Run the same command again to resume after a stop.\n\n"
                                        "Options:\n"
                                        "  --targets TARGETS_DIR        made by geolens-cli aspects\n"
                                        "  --out RUN_DIR                the run folder (metrics.jsonl, checkpoints/, classifier/)\n"
                                        "  --architecture resnet18|resnet10|clip   the network (resnet18); clip: the CLIP tower of\n"
                                        "                               --clip-model, frozen, with a small head (its features are\n"
                                        "                               computed once, without augmentation)\n"
                                        "  --clip-model DIR             with clip: the teacher's model folder; the classifier keeps\n"
                                        "                               reading its tower there\n"
                                        "  --width N                    channels of its first stage (64, as ResNet); clip: the\n"
                                        "                               head's hidden width\n"
                                        "  --epochs N                   at most this many passes over the data (30)\n"
                                        "  --batch N                    images per step (64)\n"
                                        "  --lr X --weight-decay X      AdamW, cosine decay (0.001, 0.0001)\n"
                                        "  --class-weight X             weight of the class cross-entropy (1)\n"
                                        "  --aspect-weight X            weight of the aspects' binary cross-entropy (1; 0 trains\n"
                                        "                               on the classes alone)\n"
                                        "  --class-target auto|truth|teacher   learn the folders' classes or the teacher's\n"
                                        "                               (auto: the folders' when every image has one)\n"
                                        "  --validation F               share held out for validation (0.1)\n"
                                        "  --patience N                 epochs without a better accuracy before stopping (5)\n"
                                        "  --seed N                     the split, the order and the augmentation (1)\n"
                                        "  --no-augment                 no flips, turns or crops\n"
                                        "  --device auto|cpu|cuda       where to train (auto)\n"
                                        "  --threads N                  CPU threads\n"
                                        "  --test TARGETS_DIR           then score the best classifier on other targets (a held-out\n"
                                        "                               pass or a class-folder benchmark): accuracy against their\n"
                                        "                               folders' classes, agreement with the teacher, aspect error\n") +
                            "\nExample:\n  geolens-cli train-classifier --targets landsat-targets --out landsat-classifier\n"
                            "  geolens-cli train-classifier --targets landsat-targets --out landsat-clip --architecture clip \\\n"
                            "      --clip-model ~/models/GeoChat-KD\n";
    h["compare"] = std::string("Runs a teacher and a student on the same tiles, side by side: answers, boxes and the\n"
                               "time each takes per tile.\n\n"
                               "Options:\n"
                               "  --teacher DIR --student DIR  the two model folders\n"
                               "  --tiles i,j,k|all            which tiles\n"
                               "  --task scene|refer|grounding|question\n"
                               "  --classes \"a,b,c\" | --preset ucm|aid|nwpu   scene classes\n"
                               "  --query TEXT | --question TEXT   what to ask\n"
                               "  --teacher-device D --student-device D   where each runs\n"
                               "  --out REPORT.json | --json   the comparison as JSON\n") +
                   ModelOptionsHelp + RasterOptionsHelp +
                   "\nExample:\n  geolens-cli compare data/landsat8_b432.tif --teacher ~/models/geochat-7B \\\n"
                   "      --student ~/models/GeoChat-KD --tiles 0,1,2 --task scene --preset aid\n";
    h["bench"] = std::string("Measures vision, prefill, decoding (batch 1 and batched) and scene labels per second,\n"
                             "each beside the machine's limit measured in the same run, as JSON.\n\n"
                             "Options:\n"
                             "  --model DIR | --random geochat-7b|geochat-13b|small|tiny   a model, or random weights of a shape\n"
                             "  --batch N                    rows of the batched measurements (8)\n"
                             "  --decode-tokens N            tokens decoded per measurement (64)\n"
                             "  --repeats N                  timed repeats after a warm-up (3)\n") +
                 ModelOptionsHelp +
                 "\nExample:\n  geolens-cli bench --random small --device cpu --threads 1 --repeats 2\n";
    h["evaluate"] = std::string("Scores one or more models against a benchmark's ground truth, as the paper's tables do.\n"
                                "Writes metrics.json, tables.md, tables.csv, report.html and the predictions to REPORT_DIR;\n"
                                "--resume continues an interrupted run.\n\n"
                                "Options:\n"
                                "  --model DIR                  a model folder (repeat for several); for --benchmark scene also\n"
                                "                               a tile classifier (train-classifier's RUN_DIR/classifier)\n"
                                "  --benchmark scene|vqa|referring|grounding|caption\n"
                                "  --questions FILE             the benchmark's questions and answers\n"
                                "  --images DIR                 its images\n"
                                "  --out REPORT_DIR             the report\n"
                                "  --limit N                    the first N questions only\n"
                                "  --batch N                    questions per batch (8)\n"
                                "  --vqa-types a,b,...          VQA question types to keep\n"
                                "  --classes \"a,b\"              scene classes\n"
                                "  --max-new-tokens N           longest answer (256)\n"
                                "  --resume                     continue the report in REPORT_DIR\n"
                                "  --json                       the metrics on standard output too\n") +
                    ModelOptionsHelp +
                    "\nExample:\n  geolens-cli evaluate --model ~/models/GeoChat-KD --benchmark scene \\\n"
                    "      --questions aid.json --images aid/ --out reports/kd-aid\n";
    h["paper-tables"] = "Joins evaluate's report folders into the paper's tables 3-8 (Markdown and CSV).\n\n"
                        "Options:\n"
                        "  --out DIR                    write tables.md and tables.csv there (standard output otherwise)\n\n"
                        "Example:\n  geolens-cli paper-tables reports/kd-aid reports/kd-vqa --out tables\n";
    h["distill"] = "Distils a teacher into a student (the paper's method by default), with metrics, samples and\n"
                   "checkpoints in RUN_DIR; --resume continues an interrupted run from its last checkpoint.\n\n"
                   "Options:\n"
                   "  --teacher DIR --student DIR  the two model folders (random:PRESET with --tokenizer FILE to time a run)\n"
                   "  --data FILE.json --images DIR   the instruction data and its images\n"
                   "  --out RUN_DIR                the run\n"
                   "  --method paper|align|kd|sft|rkl|seqkd   the method (paper)\n"
                   "  --steps N | --epochs N       how long\n"
                   "  --config run.json            every setting from a file; --set \"key=value;...\" overrides\n"
                   "  --corpus FILE                text for the pretraining loss\n"
                   "  --validation-data FILE       held-out questions scored during the run\n"
                   "  --lr X --batch-size N --seed N\n"
                   "  --teacher-device D --student-device D --dtype T --image-size N\n"
                   "  --resume | --overwrite       continue RUN_DIR, or replace it\n"
                   "  --json                       one JSON line per step on standard output\n\n"
                   "Example:\n  geolens-cli distill --teacher ~/models/geochat-7B --student ~/models/student \\\n"
                   "      --data train.json --images images/ --out runs/kd1 --steps 2000\n";
    return h;
}

} // namespace

std::string verbHelp(const std::string &verb)
{
    const auto all = helpTexts();
    const auto it = all.find(verb);
    return it == all.end() ? std::string() : it->second;
}

} // namespace geolens::cli
