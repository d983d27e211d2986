#include "evaluation/BenchmarkReader.h"

#include "common/Error.h"
#include "common/JsonIo.h"
#include "evaluation/AnswerNormalisation.h"
#include "evaluation/CaptionTokens.h"
#include "evaluation/ScenePresets.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

namespace geolens {

namespace {

namespace fs = std::filesystem;

const char *const VqaSuffix = "\nAnswer the question using a single word or phrase.";

// Files GIS tools write beside an image (GDAL's .aux.xml and .ovr, world files, projections):
// they describe an image and are neither a question nor a problem.
bool isSidecarFile(const fs::path &path)
{
    const std::string name = path.filename().string();
    const std::string ext = asciiLowerCase(path.extension().string());
    const bool auxXml = name.size() > 8 && name.compare(name.size() - 8, 8, ".aux.xml") == 0;
    return auxXml || ext == ".ovr" || ext == ".prj" || ext == ".tfw" || ext == ".jgw" || ext == ".pgw" || ext == ".wld";
}

std::string fileName(const std::string &path)
{
    return fs::path(path).filename().string();
}

// Text or number as a string (question ids are numbers in some files); empty for anything else.
std::string scalarText(const Json *value)
{
    if (!value)
        return {};
    if (value->is_string())
        return value->get<std::string>();
    if (value->is_number_integer())
        return std::to_string(value->get<long long>());
    return {};
}

class DatasetBuilder {
public:
    DatasetBuilder(BenchmarkDataset &dataset) : dataset_(dataset) {}

    void issue(const std::string &where, const std::string &reason, const std::string &detail)
    {
        dataset_.issues.push_back({where, reason, detail});
    }

    // Resolves the image of an item; false (with an issue) when it does not exist. GeoChat-Bench's
    // AID file names its .jpg images .png: another extension of the same name is taken, and said.
    bool resolveImage(BenchmarkItem &item, const std::string &where)
    {
        fs::path path = fs::path(dataset_.imagesDir) / item.image;
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
            bool found = false;
            for (const char *ext : {".jpg", ".png", ".tif", ".tiff", ".jpeg"}) {
                fs::path other = path;
                other.replace_extension(ext);
                if (fs::is_regular_file(other, ec)) {
                    issue(where, "image extension corrected",
                          path.string() + " does not exist; " + other.filename().string() + " was used.");
                    path = other;
                    found = true;
                    break;
                }
            }
            if (!found) {
                issue(where, "missing image", path.string() + " does not exist.");
                return false;
            }
        }
        item.image = path.string();
        return true;
    }

    bool addUnique(BenchmarkItem item, const std::string &where)
    {
        if (!ids_.insert(item.id).second) {
            issue(where, "duplicate question", "Question \"" + item.id + "\" appears more than once; the first is kept.");
            return false;
        }
        dataset_.items.push_back(std::move(item));
        return true;
    }

private:
    BenchmarkDataset &dataset_;
    std::set<std::string> ids_;
};

// Each line of a JSONL file as an object, or an issue for it.
template <typename Handler>
void forEachJsonLine(const std::string &path, DatasetBuilder &builder, Handler handle)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw FileError(path, "cannot be opened.");
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.find_first_not_of(" \t") == std::string::npos)
            continue;
        const std::string where = fileName(path) + ":" + std::to_string(number);
        Json j;
        try {
            j = parseJson(line);
        } catch (const JsonError &e) {
            builder.issue(where, "malformed line", e.what());
            continue;
        }
        if (!j.is_object()) {
            builder.issue(where, "malformed line", std::string("The line holds ") + jsonTypeName(j) + ", not an object.");
            continue;
        }
        handle(j, where);
    }
    if (in.bad())
        throw FileError(path, "could not be read to the end.");
}

// Display names of class folders: the wording of a known dataset's preset when the folder is one
// of its classes ("denseresidential" -> "dense residential"), else the folder with _ as spaces.
std::string classDisplayName(const std::string &folder)
{
    const std::string key = sceneClassKey(folder);
    for (const ScenePreset &preset : scenePresets())
        for (const std::string &c : preset.classes)
            if (sceneClassKey(c) == key)
                return c;
    std::string name = folder;
    std::replace(name.begin(), name.end(), '_', ' ');
    return name;
}

bool keptByFilter(const std::vector<std::string> &filter, const std::string &value,
                  std::string (*normalise)(const std::string &))
{
    if (filter.empty())
        return true;
    for (const std::string &f : filter)
        if (normalise(f) == normalise(value))
            return true;
    return false;
}

void readSceneJsonl(BenchmarkDataset &dataset, DatasetBuilder &builder, const BenchmarkReadOptions &options)
{
    std::vector<std::string> folders;
    std::map<std::string, std::string> folderOfKey;
    forEachJsonLine(dataset.questionsFile, builder, [&](const Json &j, const std::string &where) {
        BenchmarkItem item;
        item.id = scalarText(jsonMember(j, "question_id"));
        item.image = scalarText(jsonMember(j, "image"));
        item.question = scalarText(jsonMember(j, "text"));
        if (item.id.empty() || item.image.empty() || item.question.empty()) {
            builder.issue(where, "malformed line", "A scene question needs \"question_id\", \"image\" and \"text\".");
            return;
        }
        // GeoChat takes the class from the question id's folder part.
        const std::size_t slash = item.id.find('/');
        std::string folder = slash == std::string::npos ? scalarText(jsonMember(j, "ground_truth")) : item.id.substr(0, slash);
        if (folder.empty()) {
            builder.issue(where, "malformed line", "The question id \"" + item.id + "\" names no class folder.");
            return;
        }
        if (!keptByFilter(options.classes, folder, sceneClassKey)) {
            builder.issue(where, "unknown class", "\"" + folder + "\" is not one of the classes asked for.");
            return;
        }
        if (!builder.resolveImage(item, where))
            return;
        const std::string key = sceneClassKey(folder);
        if (!folderOfKey.count(key)) {
            folderOfKey[key] = folder;
            folders.push_back(folder);
        }
        item.answer = classDisplayName(folderOfKey[key]);
        builder.addUnique(std::move(item), where);
    });
    std::vector<std::string> classes;
    for (const std::string &f : folders)
        classes.push_back(classDisplayName(f));
    std::sort(classes.begin(), classes.end());
    dataset.classes = classes;
}

void readSceneFolders(BenchmarkDataset &dataset, DatasetBuilder &builder, const BenchmarkReadOptions &options)
{
    std::error_code ec;
    if (!fs::is_directory(dataset.imagesDir, ec))
        throw FileError(dataset.imagesDir, "is not a folder of class folders (UCMerced_LandUse/Images, AID, ...).");
    std::vector<fs::path> folders;
    for (const auto &entry : fs::directory_iterator(dataset.imagesDir, ec))
        if (entry.is_directory() && entry.path().filename().string().rfind('.', 0) != 0)
            folders.push_back(entry.path());
    std::sort(folders.begin(), folders.end());
    for (const fs::path &folder : folders) {
        const std::string name = folder.filename().string();
        if (!keptByFilter(options.classes, name, sceneClassKey)) {
            builder.issue(name, "unknown class", "The folder \"" + name + "\" is not one of the classes asked for.");
            continue;
        }
        std::vector<fs::path> files;
        for (const auto &entry : fs::directory_iterator(folder, ec))
            if (entry.is_regular_file() && entry.path().filename().string().rfind('.', 0) != 0)
                files.push_back(entry.path());
        std::sort(files.begin(), files.end());
        bool any = false;
        for (const fs::path &file : files) {
            const std::string id = name + "/" + file.filename().string();
            if (isSidecarFile(file))
                continue;
            if (!isImageFileName(file.string())) {
                builder.issue(id, "not an image file", file.string() + " is not a TIFF, JPEG, PNG, BMP or PPM file.");
                continue;
            }
            BenchmarkItem item;
            item.id = id;
            item.image = file.string();
            item.answer = classDisplayName(name);
            builder.addUnique(std::move(item), id);
            any = true;
        }
        if (any)
            dataset.classes.push_back(classDisplayName(name));
    }
    if (dataset.classes.empty())
        throw FileError(dataset.imagesDir, "holds no class folder with images.");
    const std::string prompt = sceneClassificationPrompt(dataset.classes);
    for (BenchmarkItem &item : dataset.items)
        item.question = prompt;
}

std::string vqaType(const std::string &raw)
{
    return raw == "comp" ? std::string("comparison") : raw;
}

void readVqaJsonl(BenchmarkDataset &dataset, DatasetBuilder &builder, const BenchmarkReadOptions &options)
{
    int withoutTruth = 0;
    forEachJsonLine(dataset.questionsFile, builder, [&](const Json &j, const std::string &where) {
        BenchmarkItem item;
        item.id = scalarText(jsonMember(j, "question_id"));
        item.image = scalarText(jsonMember(j, "image"));
        item.question = scalarText(jsonMember(j, "text"));
        std::string type = scalarText(jsonMember(j, "category"));
        if (type.empty())
            type = scalarText(jsonMember(j, "type"));
        item.type = vqaType(type);
        item.answer = scalarText(jsonMember(j, "ground_truth"));
        if (item.answer.empty())
            item.answer = scalarText(jsonMember(j, "answer"));
        if (item.id.empty() || item.image.empty() || item.question.empty()) {
            builder.issue(where, "malformed line", "A VQA question needs \"question_id\", \"image\" and \"text\".");
            return;
        }
        if (item.answer.empty()) {
            ++withoutTruth;
            builder.issue(where, "no ground truth", "The question has no \"ground_truth\" answer.");
            return;
        }
        if (!keptByFilter(options.vqaTypes, item.type, vqaType)) {
            ++dataset.skippedTypes[item.type];
            return;
        }
        if (builder.resolveImage(item, where))
            builder.addUnique(std::move(item), where);
    });
    if (dataset.items.empty() && withoutTruth > 0)
        throw FileError(dataset.questionsFile,
                        "has no ground-truth answers (GeoChat-Bench's lrben.jsonl and hrben.jsonl carry none): "
                        "evaluate on RSVQA's own files instead, --questions LR_split_test_questions.json or "
                        "USGS_split_test_phili_questions.json.");
}

Json readRsvqaPart(const std::string &path, const char *key)
{
    const Json j = readJsonFile(path);
    const Json *list = jsonMember(j, key);
    if (!list || !list->is_array())
        throw FileError(path, std::string("is not an RSVQA file: it has no \"") + key + "\" list.");
    return *list;
}

void readRsvqa(BenchmarkDataset &dataset, DatasetBuilder &builder, const BenchmarkReadOptions &options)
{
    const fs::path questionsPath = dataset.questionsFile;
    std::string name = questionsPath.filename().string();
    const std::size_t at = name.rfind("questions");
    const fs::path answersPath = questionsPath.parent_path() / (name.substr(0, at) + "answers" + name.substr(at + 9));
    dataset.format = name.rfind("LR_", 0) == 0 ? "rsvqa-lr" : "rsvqa-hr";
    const Json questions = readRsvqaPart(questionsPath.string(), "questions");
    std::error_code ec;
    if (!fs::is_regular_file(answersPath, ec))
        throw FileError(answersPath.string(), "does not exist; RSVQA's answers file must lie beside its questions file.");
    const Json answers = readRsvqaPart(answersPath.string(), "answers");
    std::map<long long, std::string> answerById;
    for (const Json &a : answers) {
        const Json *id = jsonMember(a, "id");
        const Json *text = jsonMember(a, "answer");
        if (id && id->is_number_integer() && text && text->is_string())
            answerById[id->get<long long>()] = text->get<std::string>();
    }
    for (const Json &q : questions) {
        const Json *active = jsonMember(q, "active");
        if (active && active->is_boolean() && !active->get<bool>())
            continue;
        const std::string id = scalarText(jsonMember(q, "id"));
        const std::string where = name + " question " + (id.empty() ? std::string("?") : id);
        const std::string image = scalarText(jsonMember(q, "img_id"));
        const std::string question = scalarText(jsonMember(q, "question"));
        const Json *answerIds = jsonMember(q, "answers_ids");
        if (id.empty() || image.empty() || question.empty() || !answerIds || !answerIds->is_array()
            || answerIds->empty() || !(*answerIds)[0].is_number_integer()) {
            builder.issue(where, "malformed record",
                          "An RSVQA question needs \"id\", \"img_id\", \"question\" and \"answers_ids\".");
            continue;
        }
        const auto answer = answerById.find((*answerIds)[0].get<long long>());
        if (answer == answerById.end()) {
            builder.issue(where, "no ground truth", "Its answer is not in " + answersPath.filename().string() + ".");
            continue;
        }
        BenchmarkItem item;
        item.id = id;
        item.image = image + ".tif";
        item.question = question + VqaSuffix;
        item.type = vqaType(scalarText(jsonMember(q, "type")));
        item.answer = answer->second;
        if (!keptByFilter(options.vqaTypes, item.type, vqaType)) {
            ++dataset.skippedTypes[item.type];
            continue;
        }
        if (builder.resolveImage(item, where))
            builder.addUnique(std::move(item), where);
    }
}

// A ground-truth polygon: four [x, y] pixel corners.
bool readPolygon(const Json &value, std::array<Point2, 4> &out)
{
    if (!value.is_array() || value.size() != 4)
        return false;
    for (std::size_t i = 0; i < 4; ++i) {
        const Json &p = value[i];
        if (!p.is_array() || p.size() != 2 || !p[0].is_number() || !p[1].is_number())
            return false;
        out[i] = {p[0].get<double>(), p[1].get<double>()};
    }
    return true;
}

std::string geochatImage(const Json &j)
{
    std::string image = scalarText(jsonMember(j, "image_id"));
    if (image.empty())
        image = scalarText(jsonMember(j, "image"));
    if (!image.empty() && fs::path(image).extension().empty())
        image += ".png"; // GeoChat's scripts add it
    return image;
}

void readReferring(BenchmarkDataset &dataset, DatasetBuilder &builder)
{
    const bool referring = dataset.task == BenchmarkTask::Referring;
    int otherTask = 0;
    forEachJsonLine(dataset.questionsFile, builder, [&](const Json &j, const std::string &where) {
        BenchmarkItem item;
        item.id = scalarText(jsonMember(j, "question_id"));
        item.image = geochatImage(j);
        const std::string question = scalarText(jsonMember(j, "question"));
        item.type = scalarText(jsonMember(j, "type"));
        item.sizeGroup = scalarText(jsonMember(j, "size_group"));
        if (item.id.empty() || item.image.empty() || question.empty()) {
            builder.issue(where, "malformed line", "A question needs \"question_id\", \"image_id\" and \"question\".");
            return;
        }
        if ((item.type == "ref") != referring) {
            ++otherTask;
            return;
        }
        item.question = referring ? "[refer] Give me the location of <p> " + question + " </p>" : "[grounding]" + question;
        const Json *truth = jsonMember(j, "ground_truth");
        bool ok = truth && truth->is_array() && !truth->empty();
        if (ok) {
            for (const Json &polygon : *truth) {
                std::array<Point2, 4> corners;
                if (!readPolygon(polygon, corners)) {
                    ok = false;
                    break;
                }
                item.objects.push_back(corners);
            }
        }
        if (!ok) {
            builder.issue(where, "malformed ground truth",
                          "\"ground_truth\" must be a list of polygons of four [x, y] pixel corners.");
            return;
        }
        if (const Json *ids = jsonMember(j, "obj_ids"); ids && ids->is_array())
            for (const Json &id : *ids)
                item.objectIds.push_back(scalarText(&id));
        if (builder.resolveImage(item, where))
            builder.addUnique(std::move(item), where);
    });
    if (dataset.items.empty() && otherTask > 0)
        throw FileError(dataset.questionsFile, std::string("holds no ") + (referring ? "referring (type \"ref\")" : "grounding")
                                                   + " questions; try --benchmark " + (referring ? "grounding" : "referring") + ".");
}

void readCaptions(BenchmarkDataset &dataset, DatasetBuilder &builder)
{
    forEachJsonLine(dataset.questionsFile, builder, [&](const Json &j, const std::string &where) {
        BenchmarkItem item;
        item.id = scalarText(jsonMember(j, "question_id"));
        item.image = geochatImage(j);
        const std::string box = scalarText(jsonMember(j, "question"));
        item.type = scalarText(jsonMember(j, "type"));
        item.sizeGroup = scalarText(jsonMember(j, "size_group"));
        const Json *truth = jsonMember(j, "ground_truth");
        if (truth && truth->is_string())
            item.references.push_back(truth->get<std::string>());
        else if (truth && truth->is_array())
            for (const Json &t : *truth)
                if (t.is_string())
                    item.references.push_back(t.get<std::string>());
        if (item.id.empty() || item.image.empty() || box.empty()) {
            builder.issue(where, "malformed line", "A caption question needs \"question_id\", \"image_id\" and \"question\".");
            return;
        }
        if (item.references.empty()) {
            builder.issue(where, "no ground truth", "The question has no reference caption in \"ground_truth\".");
            return;
        }
        item.question = "[identify] What is the object present at " + box;
        if (builder.resolveImage(item, where))
            builder.addUnique(std::move(item), where);
    });
}

} // namespace

bool isImageFileName(const std::string &path)
{
    const std::string ext = asciiLowerCase(fs::path(path).extension().string());
    return ext == ".tif" || ext == ".tiff" || ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp"
           || ext == ".ppm" || ext == ".pgm";
}

BenchmarkDataset readBenchmark(BenchmarkTask task, const std::string &questionsFile, const std::string &imagesDir,
                               const BenchmarkReadOptions &options)
{
    BenchmarkDataset dataset;
    dataset.task = task;
    dataset.questionsFile = questionsFile;
    dataset.imagesDir = imagesDir;
    dataset.format = "geochat-jsonl";
    DatasetBuilder builder(dataset);
    std::error_code ec;
    if (!questionsFile.empty() && !fs::is_regular_file(questionsFile, ec))
        throw FileError(questionsFile, "does not exist or is not a file.");
    if (imagesDir.empty() || !fs::is_directory(imagesDir, ec))
        throw FileError(imagesDir.empty() ? std::string("--images") : imagesDir, "is not a folder of images.");

    switch (task) {
    case BenchmarkTask::Scene:
        if (questionsFile.empty()) {
            dataset.format = "class-folders";
            readSceneFolders(dataset, builder, options);
        } else {
            readSceneJsonl(dataset, builder, options);
        }
        break;
    case BenchmarkTask::Vqa:
        if (questionsFile.empty())
            throw InvalidArgument("The vqa benchmark needs --questions (RSVQA's *_questions.json or a GeoChat JSONL).");
        if (fileName(questionsFile).find("questions") != std::string::npos
            && fs::path(questionsFile).extension() == ".json")
            readRsvqa(dataset, builder, options);
        else
            readVqaJsonl(dataset, builder, options);
        break;
    case BenchmarkTask::Referring:
    case BenchmarkTask::Grounding:
    case BenchmarkTask::Caption:
        if (questionsFile.empty())
            throw InvalidArgument(std::string("The ") + benchmarkTaskName(task) + " benchmark needs --questions (a GeoChat JSONL file).");
        if (task == BenchmarkTask::Caption)
            readCaptions(dataset, builder);
        else
            readReferring(dataset, builder);
        break;
    }
    dataset.name = questionsFile.empty() ? fs::path(imagesDir).lexically_normal().filename().string()
                                         : fs::path(questionsFile).stem().string();
    if (dataset.name.size() > 10 && dataset.name.compare(dataset.name.size() - 10, 10, "_questions") == 0)
        dataset.name.resize(dataset.name.size() - 10); // RSVQA's LR_split_test_questions.json: LR_split_test
    if (dataset.name.empty() || dataset.name == "Images")
        dataset.name = fs::path(imagesDir).lexically_normal().parent_path().filename().string();
    if (dataset.items.empty()) {
        std::string why = dataset.issues.empty() ? std::string("it is empty.") : dataset.issues.front().detail;
        throw FileError(questionsFile.empty() ? imagesDir : questionsFile,
                        "holds no usable question; the first problem: " + why);
    }
    return dataset;
}

} // namespace geolens
