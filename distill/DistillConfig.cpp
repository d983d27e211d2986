#include "distill/DistillConfig.h"

#include "common/AtomicFile.h"
#include "common/EditDistance.h"
#include "common/Error.h"
#include "common/TrimmedText.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <cmath>
#include <filesystem>
#include <functional>
#include <sstream>

namespace geolens {

namespace {

// A problem with one setting, without the source; the public functions add where it came from.
class SettingProblem : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

std::string inQuotes(const std::string &text)
{
    return "\"" + text + "\"";
}

std::string lowered(std::string text)
{
    for (char &c : text)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
}

std::string joined(const std::vector<std::string> &items, const std::string &separator = ", ")
{
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i)
        text += (i ? separator : "") + items[i];
    return text;
}

// The value's type, and the value itself when short, for "found ..." in messages.
std::string describeFound(const Json &value)
{
    std::string text = jsonTypeName(value);
    if (value.is_number() || value.is_boolean())
        text += " (" + value.dump() + ")";
    else if (value.is_string() && value.get_ref<const std::string &>().size() <= 40)
        text += " (" + dumpJson(value) + ")";
    return text;
}

[[noreturn]] void wrongType(const std::string &key, const char *expected, const Json &found)
{
    throw SettingProblem("the setting " + inQuotes(key) + " must be " + expected + "; found " + describeFound(found) + ".");
}

[[noreturn]] void badText(const std::string &key, const char *expected, const std::string &text)
{
    throw SettingProblem("the setting " + inQuotes(key) + " must be " + expected + "; " + inQuotes(text) + " is not.");
}

// Text to number with the C locale whatever the process's (Qt sets the user's), the whole text.
double parseDouble(const std::string &key, const std::string &text)
{
    const std::string t = trimmed(text);
    double value = 0.0;
    const char *first = t.data();
    const char *last = t.data() + t.size();
    if (first != last && *first == '+')
        ++first;
    const auto result = std::from_chars(first, last, value);
    if (t.empty() || result.ec != std::errc() || result.ptr != last || !std::isfinite(value))
        badText(key, "a number", text);
    return value;
}

std::int64_t parseInteger(const std::string &key, const std::string &text, const char *expected)
{
    const std::string t = trimmed(text);
    std::int64_t value = 0;
    const char *first = t.data();
    const char *last = t.data() + t.size();
    if (first != last && *first == '+')
        ++first;
    const auto result = std::from_chars(first, last, value);
    if (t.empty() || result.ec != std::errc() || result.ptr != last)
        badText(key, expected, text);
    return value;
}

// Codecs, one overload set per C++ type: JSON in and out, and text in.

Json encode(const std::string &value) { return Json(value); }
Json encode(double value) { return Json(value); }
Json encode(int value) { return Json(value); }
Json encode(std::uint64_t value) { return Json(value); }
Json encode(bool value) { return Json(value); }
Json encode(const std::vector<std::string> &value) { return Json(value); }
Json encode(const std::array<double, 2> &value) { return Json::array({value[0], value[1]}); }

void decode(const std::string &key, const Json &json, std::string &out)
{
    if (!json.is_string())
        wrongType(key, "a string", json);
    out = json.get<std::string>();
}

void decode(const std::string &key, const Json &json, double &out)
{
    if (!json.is_number())
        wrongType(key, "a number", json);
    out = json.get<double>();
}

std::int64_t decodeInteger(const std::string &key, const Json &json, const char *expected)
{
    if (!json.is_number())
        wrongType(key, expected, json);
    const auto asDouble = json.get<double>();
    if (json.is_number_float() && asDouble != std::floor(asDouble))
        wrongType(key, expected, json);
    try {
        return jsonToInt64(json);
    } catch (const JsonError &) {
        throw SettingProblem("the setting " + inQuotes(key) + " is out of range: " + json.dump() + ".");
    }
}

int checkedInt(const std::string &key, std::int64_t value)
{
    if (value < INT_MIN || value > INT_MAX)
        throw SettingProblem("the setting " + inQuotes(key) + " is out of range: " + std::to_string(value) + ".");
    return static_cast<int>(value);
}

void decode(const std::string &key, const Json &json, int &out)
{
    out = checkedInt(key, decodeInteger(key, json, "an integer"));
}

std::uint64_t checkedUnsigned(const std::string &key, std::int64_t value)
{
    if (value < 0)
        throw SettingProblem("the setting " + inQuotes(key) + " must not be negative; found " + std::to_string(value) + ".");
    return static_cast<std::uint64_t>(value);
}

void decode(const std::string &key, const Json &json, std::uint64_t &out)
{
    out = checkedUnsigned(key, decodeInteger(key, json, "a non-negative integer"));
}

void decode(const std::string &key, const Json &json, bool &out)
{
    if (!json.is_boolean())
        wrongType(key, "true or false", json);
    out = json.get<bool>();
}

void decode(const std::string &key, const Json &json, std::vector<std::string> &out)
{
    if (!json.is_array())
        wrongType(key, "a list of strings", json);
    std::vector<std::string> items;
    for (const Json &item : json) {
        if (!item.is_string())
            wrongType(key, "a list of strings", item);
        items.push_back(item.get<std::string>());
    }
    out = std::move(items);
}

void decode(const std::string &key, const Json &json, std::array<double, 2> &out)
{
    if (!json.is_array() || json.size() != 2 || !json[0].is_number() || !json[1].is_number())
        wrongType(key, "a list of two numbers", json);
    out = {json[0].get<double>(), json[1].get<double>()};
}

void parseText(const std::string &, const std::string &text, std::string &out)
{
    out = text;
}

void parseText(const std::string &key, const std::string &text, double &out)
{
    out = parseDouble(key, text);
}

void parseText(const std::string &key, const std::string &text, int &out)
{
    out = checkedInt(key, parseInteger(key, text, "an integer"));
}

void parseText(const std::string &key, const std::string &text, std::uint64_t &out)
{
    const std::string t = trimmed(text);
    std::uint64_t value = 0;
    const auto result = std::from_chars(t.data(), t.data() + t.size(), value);
    if (t.empty() || result.ec != std::errc() || result.ptr != t.data() + t.size())
        badText(key, "a non-negative integer", text);
    // run.json holds it as a JSON integer, which stops at the int64 range.
    if (value > static_cast<std::uint64_t>(INT64_MAX))
        throw SettingProblem("the setting " + inQuotes(key) + " is out of range: " + t + " is above 2^63 - 1.");
    out = value;
}

void parseText(const std::string &key, const std::string &text, bool &out)
{
    const std::string t = lowered(trimmed(text));
    if (t == "true" || t == "yes" || t == "on" || t == "1")
        out = true;
    else if (t == "false" || t == "no" || t == "off" || t == "0")
        out = false;
    else
        badText(key, "true or false", text);
}

std::vector<std::string> splitList(const std::string &text)
{
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t comma = text.find(',', start);
        if (comma == std::string::npos)
            comma = text.size();
        std::string item = trimmed(text.substr(start, comma - start));
        if (!item.empty())
            items.push_back(std::move(item));
        start = comma + 1;
    }
    return items;
}

void parseText(const std::string &, const std::string &text, std::vector<std::string> &out)
{
    out = splitList(text);
}

void parseText(const std::string &key, const std::string &text, std::array<double, 2> &out)
{
    const std::vector<std::string> items = splitList(text);
    if (items.size() != 2)
        badText(key, "two comma-separated numbers", text);
    out = {parseDouble(key, items[0]), parseDouble(key, items[1])};
}

// One setting: its place in the file and how to read and write it.
struct Field {
    std::string section; // empty at the top level
    std::string name;
    std::function<Json(const DistillConfig &)> get;
    std::function<void(DistillConfig &, const Json &, const std::string &key)> set;
    std::function<void(DistillConfig &, const std::string &text, const std::string &key)> setText;

    std::string key() const { return section.empty() ? name : section + "." + name; }
};

// access is a generic lambda returning a reference to the member, for a const and a mutable
// config alike, so each setting is named once.
template <typename Access>
Field field(const char *section, const char *name, Access access)
{
    Field f;
    f.section = section;
    f.name = name;
    f.get = [access](const DistillConfig &config) { return encode(access(config)); };
    f.set = [access](DistillConfig &config, const Json &json, const std::string &key) {
        decode(key, json, access(config));
    };
    f.setText = [access](DistillConfig &config, const std::string &text, const std::string &key) {
        parseText(key, text, access(config));
    };
    return f;
}

// An optional path: null in the file when unset, an empty value on the command line clears it.
template <typename Access>
Field optionalPath(const char *section, const char *name, Access access)
{
    Field f = field(section, name, access);
    f.get = [access](const DistillConfig &config) {
        const std::string &value = access(config);
        return value.empty() ? Json(nullptr) : Json(value);
    };
    f.set = [access](DistillConfig &config, const Json &json, const std::string &key) {
        if (json.is_null()) {
            access(config).clear();
            return;
        }
        if (!json.is_string())
            wrongType(key, "a string or null", json);
        access(config) = json.get<std::string>();
    };
    f.setText = [access](DistillConfig &config, const std::string &text, const std::string &) {
        access(config) = trimmed(text);
    };
    return f;
}

#define GEOLENS_SETTING(member) [](auto &c) -> auto & { return c.member; }

// Every setting in file order. Built per call rather than kept in a static: it is small.
std::vector<Field> fields()
{
    return {
        field("", "teacher", GEOLENS_SETTING(teacher)),
        field("", "student", GEOLENS_SETTING(student)),
        field("", "data", GEOLENS_SETTING(data)),
        field("", "images", GEOLENS_SETTING(images)),
        optionalPath("", "corpus", GEOLENS_SETTING(corpus)),
        optionalPath("", "tokenizer", GEOLENS_SETTING(tokenizer)),
        optionalPath("", "validation_data", GEOLENS_SETTING(validationData)),
        field("", "validation_fraction", GEOLENS_SETTING(validationFraction)),
        field("", "out", GEOLENS_SETTING(out)),
        field("", "method", GEOLENS_SETTING(method)),

        field("terms", "align", GEOLENS_SETTING(terms.align)),
        field("terms", "policy", GEOLENS_SETTING(terms.policy)),
        field("terms", "single", GEOLENS_SETTING(terms.single)),
        field("terms", "pt", GEOLENS_SETTING(terms.pt)),
        field("terms", "kd", GEOLENS_SETTING(terms.kd)),
        field("terms", "ce", GEOLENS_SETTING(terms.ce)),
        field("terms", "kd_temperature", GEOLENS_SETTING(terms.kdTemperature)),
        field("terms", "kd_lambda", GEOLENS_SETTING(terms.kdLambda)),
        field("terms", "align_reduction", GEOLENS_SETTING(terms.alignReduction)),

        field("minillm", "alpha", GEOLENS_SETTING(minillm.alpha)),
        field("minillm", "gamma", GEOLENS_SETTING(minillm.gamma)),
        field("minillm", "clip_ratio", GEOLENS_SETTING(minillm.clipRatio)),
        field("minillm", "reward_scale", GEOLENS_SETTING(minillm.rewardScale)),
        field("minillm", "reward_clamp", GEOLENS_SETTING(minillm.rewardClamp)),
        field("minillm", "ppo_epochs", GEOLENS_SETTING(minillm.ppoEpochs)),
        field("minillm", "rollout_batch_size", GEOLENS_SETTING(minillm.rolloutBatchSize)),
        field("minillm", "kd_ratio", GEOLENS_SETTING(minillm.kdRatio)),
        field("minillm", "temperature", GEOLENS_SETTING(minillm.temperature)),
        field("minillm", "top_k", GEOLENS_SETTING(minillm.topK)),
        field("minillm", "top_p", GEOLENS_SETTING(minillm.topP)),
        field("minillm", "max_new_tokens", GEOLENS_SETTING(minillm.maxNewTokens)),
        field("minillm", "length_normalise", GEOLENS_SETTING(minillm.lengthNormalise)),
        field("minillm", "whiten_advantages", GEOLENS_SETTING(minillm.whitenAdvantages)),
        field("minillm", "return", GEOLENS_SETTING(minillm.returnRange)),

        field("lora", "enabled", GEOLENS_SETTING(lora.enabled)),
        field("lora", "rank", GEOLENS_SETTING(lora.rank)),
        field("lora", "alpha", GEOLENS_SETTING(lora.alpha)),
        field("lora", "dropout", GEOLENS_SETTING(lora.dropout)),
        field("lora", "targets", GEOLENS_SETTING(lora.targets)),

        field("optimiser", "lr", GEOLENS_SETTING(optimiser.lr)),
        field("optimiser", "betas", GEOLENS_SETTING(optimiser.betas)),
        field("optimiser", "eps", GEOLENS_SETTING(optimiser.eps)),
        field("optimiser", "weight_decay", GEOLENS_SETTING(optimiser.weightDecay)),
        field("optimiser", "warmup_steps", GEOLENS_SETTING(optimiser.warmupSteps)),
        field("optimiser", "schedule", GEOLENS_SETTING(optimiser.schedule)),
        field("optimiser", "min_lr_ratio", GEOLENS_SETTING(optimiser.minLrRatio)),
        field("optimiser", "grad_clip", GEOLENS_SETTING(optimiser.gradClip)),
        field("optimiser", "grad_accumulation", GEOLENS_SETTING(optimiser.gradAccumulation)),
        field("optimiser", "batch_size", GEOLENS_SETTING(optimiser.batchSize)),

        field("run", "steps", GEOLENS_SETTING(run.steps)),
        field("run", "epochs", GEOLENS_SETTING(run.epochs)),
        field("run", "sft_warmup_steps", GEOLENS_SETTING(run.sftWarmupSteps)),
        field("run", "warmup_loss", GEOLENS_SETTING(run.warmupLoss)),
        field("run", "eval_interval", GEOLENS_SETTING(run.evalInterval)),
        field("run", "checkpoint_interval", GEOLENS_SETTING(run.checkpointInterval)),
        field("run", "seed", GEOLENS_SETTING(run.seed)),
        field("run", "teacher_device", GEOLENS_SETTING(run.teacherDevice)),
        field("run", "student_device", GEOLENS_SETTING(run.studentDevice)),
        field("run", "dtype", GEOLENS_SETTING(run.dtype)),
        field("run", "image_size", GEOLENS_SETTING(run.imageSize)),
        field("run", "max_length", GEOLENS_SETTING(run.maxLength)),
        field("run", "cache_images", GEOLENS_SETTING(run.cacheImages)),
        field("run", "rank_timeout_s", GEOLENS_SETTING(run.rankTimeoutSeconds)),
    };
}

#undef GEOLENS_SETTING


// "unknown setting "lora.rnak" (did you mean "lora.rank"?)."
[[noreturn]] void unknownSetting(const std::string &key, const std::vector<Field> &all)
{
    std::string best;
    std::size_t bestDistance = 3; // farther than two edits is a different word, not a typo
    for (const Field &f : all) {
        const std::size_t d = editDistance(key, f.key());
        if (d < bestDistance) {
            bestDistance = d;
            best = f.key();
        }
    }
    throw SettingProblem("unknown setting " + inQuotes(key) + (best.empty() ? "" : " (did you mean " + inQuotes(best) + "?)")
                         + ".");
}

bool isSection(const std::string &name, const std::vector<Field> &all)
{
    return !name.empty()
           && std::any_of(all.begin(), all.end(), [&](const Field &f) { return f.section == name; });
}

const Field *findField(const std::string &section, const std::string &name, const std::vector<Field> &all)
{
    for (const Field &f : all)
        if (f.section == section && f.name == name)
            return &f;
    return nullptr;
}

void readInto(DistillConfig &config, const Json &json)
{
    const std::vector<Field> all = fields();
    for (const auto &[name, value] : json.items()) {
        if (isSection(name, all)) {
            if (!value.is_object())
                wrongType(name, "an object of settings", value);
            for (const auto &[inner, innerValue] : value.items()) {
                const Field *f = findField(name, inner, all);
                if (!f)
                    unknownSetting(name + "." + inner, all);
                f->set(config, innerValue, f->key());
            }
            continue;
        }
        const Field *f = findField("", name, all);
        if (!f)
            unknownSetting(name, all);
        f->set(config, value, f->key());
    }
}

DistillConfig readConfig(const Json &json)
{
    if (!json.is_object())
        throw SettingProblem(std::string("the run configuration must be a JSON object; found ") + jsonTypeName(json) + ".");
    // Missing keys take the defaults of the file's method, so {"method": "kd", ...} gets kd's
    // terms rather than the paper's. An unknown method is kept for validate() to report.
    DistillConfig config;
    if (const Json *method = jsonMember(json, "method"); method && method->is_string()) {
        if (const auto kind = parseDistillMethod(method->get<std::string>()))
            config = DistillConfig::preset(*kind);
    }
    readInto(config, json);
    return config;
}

bool isDevice(const std::string &device)
{
    if (device == "auto" || device == "cpu" || device == "cuda")
        return true;
    if (device.rfind("cuda:", 0) != 0 || device.size() == 5 || device.size() > 8)
        return false;
    return std::all_of(device.begin() + 5, device.end(), [](char c) { return c >= '0' && c <= '9'; });
}

const std::vector<std::string> &knownSchedules()
{
    static const std::vector<std::string> names{"cosine", "linear", "constant"};
    return names;
}

const std::vector<std::string> &knownDtypes()
{
    static const std::vector<std::string> names{"auto", "f32", "bf16", "f16"};
    return names;
}

bool contains(const std::vector<std::string> &list, const std::string &item)
{
    return std::find(list.begin(), list.end(), item) != list.end();
}

// As JSON writes it, the way the setting reads in run.json; a NaN shows as NaN rather than
// stopping the message.
std::string formatNumber(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "infinity" : "-infinity";
    return Json(value).dump();
}

std::string methodNames()
{
    std::vector<std::string> names;
    for (DistillMethod m : {DistillMethod::Paper, DistillMethod::Align, DistillMethod::Kd, DistillMethod::Sft,
                            DistillMethod::Rkl, DistillMethod::SeqKd})
        names.push_back(methodName(m));
    return joined(names);
}

} // namespace

const char *methodName(DistillMethod method)
{
    switch (method) {
    case DistillMethod::Paper: return "paper";
    case DistillMethod::Align: return "align";
    case DistillMethod::Kd: return "kd";
    case DistillMethod::Sft: return "sft";
    case DistillMethod::Rkl: return "rkl";
    case DistillMethod::SeqKd: return "seqkd";
    }
    return "paper";
}

std::optional<DistillMethod> parseDistillMethod(const std::string &name)
{
    for (DistillMethod m : {DistillMethod::Paper, DistillMethod::Align, DistillMethod::Kd, DistillMethod::Sft,
                            DistillMethod::Rkl, DistillMethod::SeqKd})
        if (name == methodName(m))
            return m;
    return std::nullopt;
}

const std::vector<std::string> &LoraSettings::knownTargets()
{
    static const std::vector<std::string> names{"q", "k", "v", "o", "gate", "up", "down"};
    return names;
}

DistillConfig DistillConfig::preset(DistillMethod method)
{
    DistillConfig config;
    config.method = methodName(method);
    if (method == DistillMethod::Paper)
        return config;

    config.terms.align = config.terms.policy = config.terms.single = config.terms.pt = 0.0;
    config.terms.kd = config.terms.ce = 0.0;
    switch (method) {
    case DistillMethod::Paper: break;
    case DistillMethod::Align:
        config.terms.align = 1.0;
        config.terms.ce = 1.0;
        break;
    case DistillMethod::Kd: config.terms.kd = 1.0; break;
    case DistillMethod::Sft: config.terms.ce = 1.0; break;
    case DistillMethod::Rkl: config.terms.single = 1.0; break;
    case DistillMethod::SeqKd: config.terms.ce = 1.0; break;
    }
    config.run.sftWarmupSteps = 0;
    config.lora.dropout = 0.05;
    return config;
}

DistillConfig DistillConfig::preset(const std::string &name)
{
    const auto method = parseDistillMethod(name);
    if (!method)
        throw InvalidArgument("Unknown distillation method " + inQuotes(name) + "; the methods are " + methodNames() + ".");
    return preset(*method);
}

DistillMethod DistillConfig::methodKind() const
{
    const auto kind = parseDistillMethod(method);
    if (!kind)
        throw InvalidArgument("Unknown distillation method " + inQuotes(method) + "; the methods are " + methodNames() + ".");
    return *kind;
}

Json DistillConfig::toJson() const
{
    Json root = Json::object();
    std::vector<std::pair<std::string, Json>> sections;
    for (const Field &f : fields()) {
        if (f.section.empty()) {
            root[f.name] = f.get(*this);
            continue;
        }
        if (sections.empty() || sections.back().first != f.section)
            sections.emplace_back(f.section, Json::object());
        sections.back().second[f.name] = f.get(*this);
    }
    for (auto &[name, section] : sections)
        root[name] = std::move(section);
    return root;
}

DistillConfig DistillConfig::fromJson(const Json &json, const std::string &source)
{
    try {
        return readConfig(json);
    } catch (const SettingProblem &e) {
        throw InvalidArgument(source + ": " + e.what());
    }
}

DistillConfig DistillConfig::load(const std::string &path)
{
    const Json json = readJsonFile(path);
    try {
        return readConfig(json);
    } catch (const SettingProblem &e) {
        throw FileError(path, e.what());
    }
}

void DistillConfig::save(const std::string &path) const
{
    writeFileAtomically(path, dumpJson(toJson(), 2) + "\n");
}

std::string DistillConfig::runFilePath(const std::string &runDir)
{
    return (std::filesystem::path(runDir) / "run.json").string();
}

std::vector<std::string> DistillConfig::keys()
{
    std::vector<std::string> names;
    for (const Field &f : fields())
        names.push_back(f.key());
    return names;
}

void DistillConfig::applyOverride(const std::string &key, const std::string &value)
{
    std::string name = trimmed(key);
    std::replace(name.begin(), name.end(), '-', '_');
    const std::vector<Field> all = fields();
    const Field *target = nullptr;
    if (const std::size_t dot = name.find('.'); dot != std::string::npos) {
        target = findField(name.substr(0, dot), name.substr(dot + 1), all);
    } else {
        std::vector<const Field *> matches;
        for (const Field &f : all)
            if (f.name == name)
                matches.push_back(&f);
        if (matches.size() > 1) {
            std::vector<std::string> candidates;
            for (const Field *f : matches)
                candidates.push_back(inQuotes(f->key()));
            throw InvalidArgument("The setting " + inQuotes(name) + " is ambiguous: say " + joined(candidates, " or ") + ".");
        }
        if (!matches.empty())
            target = matches.front();
    }
    try {
        if (!target)
            unknownSetting(name, all);
        // Parsed into a copy so a refused value leaves the configuration as it was.
        DistillConfig changed = *this;
        target->setText(changed, value, target->key());
        *this = std::move(changed);
    } catch (const SettingProblem &e) {
        std::string message = e.what();
        message[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(message[0])));
        throw InvalidArgument(message);
    }
}

std::vector<std::string> DistillConfig::validate() const
{
    std::vector<std::string> problems;
    auto problem = [&](std::string text) { problems.push_back(std::move(text)); };
    auto require = [&](const std::string &value, const char *what, const char *key) {
        if (trimmed(value).empty())
            problem(std::string("No ") + what + " is set (" + key + ").");
    };
    auto inRange = [&](double value, double low, double high, const char *key) {
        if (!(value >= low && value <= high))
            problem(std::string(key) + " must be between " + formatNumber(low) + " and " + formatNumber(high) + "; it is "
                    + formatNumber(value) + ".");
    };
    auto positive = [&](double value, const char *key) {
        if (!(value > 0.0))
            problem(std::string(key) + " must be greater than 0; it is " + formatNumber(value) + ".");
    };
    auto nonNegative = [&](double value, const char *key) {
        if (!(value >= 0.0))
            problem(std::string(key) + " must not be negative; it is " + formatNumber(value) + ".");
    };
    auto atLeastOne = [&](int value, const char *key) {
        if (value < 1)
            problem(std::string(key) + " must be at least 1; it is " + std::to_string(value) + ".");
    };

    require(teacher, "teacher model", "teacher");
    require(student, "student model", "student");
    require(data, "instruction data file", "data");
    require(images, "images folder", "images");
    require(out, "output folder", "out");
    for (const std::string *model : {&teacher, &student})
        if (model->rfind("random:", 0) == 0 && trimmed(tokenizer).empty())
            problem("The model " + inQuotes(*model) + " has random weights: set tokenizer to a SentencePiece model "
                    "(LLaMA's tokenizer.model) for its text.");

    const auto kind = parseDistillMethod(method);
    if (!kind)
        problem("Unknown method " + inQuotes(method) + "; the methods are " + methodNames() + ".");
    inRange(validationFraction, 0.0, 0.5, "validation_fraction");

    const std::pair<const char *, double> weights[] = {
        {"terms.align", terms.align}, {"terms.policy", terms.policy}, {"terms.single", terms.single},
        {"terms.pt", terms.pt},       {"terms.kd", terms.kd},         {"terms.ce", terms.ce},
    };
    bool anyTerm = false;
    for (const auto &[key, weight] : weights) {
        nonNegative(weight, key);
        anyTerm = anyTerm || weight > 0.0;
    }
    if (!anyTerm)
        problem("Every loss term has weight 0: nothing would be trained.");
    if (kind && *kind != DistillMethod::Paper && terms.policy > 0.0)
        problem("The policy term needs the student's own samples, which only the paper method draws; give terms.policy "
                "weight 0 or use method \"paper\".");
    positive(terms.kdTemperature, "terms.kd_temperature");
    inRange(terms.kdLambda, 0.0, 1.0, "terms.kd_lambda");

    inRange(minillm.alpha, 0.0, 1.0, "minillm.alpha");
    if (!(minillm.gamma > 0.0 && minillm.gamma <= 1.0))
        problem("minillm.gamma must be greater than 0 and at most 1; it is " + formatNumber(minillm.gamma) + ".");
    if (!(minillm.clipRatio > 0.0 && minillm.clipRatio < 1.0))
        problem("minillm.clip_ratio must be between 0 and 1 (exclusive); it is " + formatNumber(minillm.clipRatio) + ".");
    positive(minillm.rewardScale, "minillm.reward_scale");
    positive(minillm.rewardClamp, "minillm.reward_clamp");
    atLeastOne(minillm.ppoEpochs, "minillm.ppo_epochs");
    atLeastOne(minillm.rolloutBatchSize, "minillm.rollout_batch_size");
    inRange(minillm.kdRatio, 0.0, 1.0, "minillm.kd_ratio");
    positive(minillm.temperature, "minillm.temperature");
    nonNegative(minillm.topK, "minillm.top_k");
    if (!(minillm.topP > 0.0 && minillm.topP <= 1.0))
        problem("minillm.top_p must be greater than 0 and at most 1; it is " + formatNumber(minillm.topP) + ".");
    if (kind == DistillMethod::Paper && (minillm.topK != 0 || minillm.topP < 1.0))
        problem("Rollouts sample from the whole mixed distribution: top-k and top-p would make teacher-chosen tokens "
                "impossible for the student. Set minillm.top_k 0 and top_p 1.");
    atLeastOne(minillm.maxNewTokens, "minillm.max_new_tokens");
    if (minillm.returnRange != "future" && minillm.returnRange != "from_current")
        problem("minillm.return must be \"future\" (the paper's R_{t+1}) or \"from_current\" (MiniLLM's); it is "
                + inQuotes(minillm.returnRange) + ".");

    atLeastOne(lora.rank, "lora.rank");
    positive(lora.alpha, "lora.alpha");
    if (!(lora.dropout >= 0.0 && lora.dropout < 1.0))
        problem("lora.dropout must be at least 0 and below 1; it is " + formatNumber(lora.dropout) + ".");
    if (lora.enabled && lora.targets.empty())
        problem("lora.targets is empty: LoRA would train nothing. Name some of " + joined(LoraSettings::knownTargets())
                + ", or disable LoRA.");
    for (std::size_t i = 0; i < lora.targets.size(); ++i) {
        const std::string &target = lora.targets[i];
        if (!contains(LoraSettings::knownTargets(), target))
            problem("Unknown LoRA target " + inQuotes(target) + "; the targets are " + joined(LoraSettings::knownTargets())
                    + ".");
        else if (std::find(lora.targets.begin(), lora.targets.begin() + static_cast<std::ptrdiff_t>(i), target)
                 != lora.targets.begin() + static_cast<std::ptrdiff_t>(i))
            problem("The LoRA target " + inQuotes(target) + " is listed twice.");
    }

    positive(optimiser.lr, "optimiser.lr");
    for (double beta : optimiser.betas)
        if (!(beta >= 0.0 && beta < 1.0))
            problem("optimiser.betas must each be at least 0 and below 1; " + formatNumber(beta) + " is not.");
    positive(optimiser.eps, "optimiser.eps");
    nonNegative(optimiser.weightDecay, "optimiser.weight_decay");
    nonNegative(optimiser.warmupSteps, "optimiser.warmup_steps");
    if (!contains(knownSchedules(), optimiser.schedule))
        problem("Unknown learning-rate schedule " + inQuotes(optimiser.schedule) + "; the schedules are "
                + joined(knownSchedules()) + ".");
    inRange(optimiser.minLrRatio, 0.0, 1.0, "optimiser.min_lr_ratio");
    nonNegative(optimiser.gradClip, "optimiser.grad_clip");
    atLeastOne(optimiser.gradAccumulation, "optimiser.grad_accumulation");
    atLeastOne(optimiser.batchSize, "optimiser.batch_size");

    nonNegative(run.steps, "run.steps");
    nonNegative(run.epochs, "run.epochs");
    if (run.steps == 0 && run.epochs == 0)
        problem("run.steps and run.epochs are both 0: set how long to train.");
    nonNegative(run.sftWarmupSteps, "run.sft_warmup_steps");
    if (terms.alignReduction != "mean" && terms.alignReduction != "half_sum")
        problem("terms.align_reduction must be \"mean\" (MSE) or \"half_sum\" (the paper's 1/2 ||z_T - z_S||^2); it is "
                + inQuotes(terms.alignReduction) + ".");
    if (run.warmupLoss != "kd" && run.warmupLoss != "ce")
        problem("run.warmup_loss must be \"kd\" (the answers and the teacher's outputs, as the paper) or \"ce\" (the "
                "answers alone); it is " + inQuotes(run.warmupLoss) + ".");
    if (run.sftWarmupSteps > 0 && validationFraction <= 0.0 && trimmed(validationData).empty())
        problem("The SFT warm start keeps the checkpoint with the lowest validation loss, but there is no validation "
                "data: set validation_fraction above 0 or validation_data, or set run.sft_warmup_steps to 0.");
    if (run.seed > static_cast<std::uint64_t>(INT64_MAX))
        problem("run.seed must be at most 2^63 - 1, the largest integer run.json holds exactly.");
    atLeastOne(run.rankTimeoutSeconds, "run.rank_timeout_s");
    nonNegative(run.evalInterval, "run.eval_interval");
    nonNegative(run.checkpointInterval, "run.checkpoint_interval");
    if (!isDevice(run.teacherDevice))
        problem("Unknown teacher device " + inQuotes(run.teacherDevice) + "; use auto, cpu, cuda or cuda:N.");
    if (!isDevice(run.studentDevice))
        problem("Unknown student device " + inQuotes(run.studentDevice) + "; use auto, cpu, cuda or cuda:N.");
    if (!contains(knownDtypes(), run.dtype))
        problem("Unknown dtype " + inQuotes(run.dtype) + "; use " + joined(knownDtypes()) + ".");
    // Whether the size suits the vision tower's patch is for the model to say when it loads.
    if (run.imageSize < 0)
        problem("run.image_size must be 0 (the model's) or a size in pixels; it is " + std::to_string(run.imageSize) + ".");
    if (run.maxLength <= minillm.maxNewTokens)
        problem("run.max_length (" + std::to_string(run.maxLength) + ") must exceed minillm.max_new_tokens ("
                + std::to_string(minillm.maxNewTokens) + "): the prompt needs room too.");
    return problems;
}

bool operator==(const DistillConfig &a, const DistillConfig &b)
{
    return a.toJson() == b.toJson();
}

} // namespace geolens
