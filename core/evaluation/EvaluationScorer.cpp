#include "evaluation/EvaluationScorer.h"

#include "common/Error.h"
#include "evaluation/BoxMetrics.h"
#include "evaluation/CaptionMetrics.h"
#include "evaluation/SceneMetrics.h"
#include "evaluation/VqaMetrics.h"
#include "geometry/BoxParser.h"

#include <algorithm>
#include <map>
#include <optional>

namespace geolens {

namespace {

Json quadrilateralsToJson(const std::vector<std::array<Point2, 4>> &quads)
{
    Json out = Json::array();
    for (const auto &q : quads) {
        Json polygon = Json::array();
        for (const Point2 &p : q)
            polygon.push_back({p.x, p.y});
        out.push_back(polygon);
    }
    return out;
}

std::vector<std::array<Point2, 4>> quadrilateralsFromJson(const Json *value)
{
    std::vector<std::array<Point2, 4>> out;
    if (!value || !value->is_array())
        return out;
    for (const Json &polygon : *value) {
        if (!polygon.is_array() || polygon.size() != 4)
            continue;
        std::array<Point2, 4> q{};
        bool ok = true;
        for (std::size_t i = 0; i < 4; ++i) {
            const Json &p = polygon[i];
            ok = ok && p.is_array() && p.size() == 2 && p[0].is_number() && p[1].is_number();
            if (ok)
                q[i] = {p[0].get<double>(), p[1].get<double>()};
        }
        if (ok)
            out.push_back(q);
    }
    return out;
}

} // namespace

Json ScoredQuestion::toJson() const
{
    Json j;
    j["id"] = id;
    j["image"] = image;
    j["question"] = question;
    j["answer"] = answer;
    j["truth"] = truth;
    if (!predicted.empty())
        j["predicted"] = predicted;
    if (!type.empty())
        j["type"] = type;
    if (!sizeGroup.empty())
        j["size_group"] = sizeGroup;
    j["status"] = status;
    j["correct"] = correct;
    j["score"] = score;
    if (!truthBoxes.empty() || !predictedBoxes.empty()) {
        j["predicted_boxes"] = quadrilateralsToJson(predictedBoxes);
        j["truth_boxes"] = quadrilateralsToJson(truthBoxes);
    }
    return j;
}

ScoredQuestion ScoredQuestion::fromJson(const Json &j)
{
    ScoredQuestion q;
    const auto text = [&](const char *key, std::string &out) {
        if (const Json *v = jsonMember(j, key); v && v->is_string())
            out = v->get<std::string>();
    };
    text("id", q.id);
    text("image", q.image);
    text("question", q.question);
    text("answer", q.answer);
    text("truth", q.truth);
    text("predicted", q.predicted);
    text("type", q.type);
    text("size_group", q.sizeGroup);
    text("status", q.status);
    if (const Json *v = jsonMember(j, "correct"); v && v->is_boolean())
        q.correct = v->get<bool>();
    if (const Json *v = jsonMember(j, "score"); v && v->is_number())
        q.score = v->get<double>();
    q.predictedBoxes = quadrilateralsFromJson(jsonMember(j, "predicted_boxes"));
    q.truthBoxes = quadrilateralsFromJson(jsonMember(j, "truth_boxes"));
    return q;
}

EvaluationScorer::EvaluationScorer(const BenchmarkDataset &dataset, std::vector<const BenchmarkItem *> questions,
                                   const WordNetDatabase *wordnet)
    : dataset_(dataset), questions_(std::move(questions)), wordnet_(wordnet)
{
    if (dataset_.task == BenchmarkTask::Caption && !wordnet_)
        throw InvalidArgument("Scoring captions needs WordNet for METEOR.");
}

ModelEvaluation EvaluationScorer::score(const std::vector<PredictionRecord> &predictions, std::uint64_t parameters) const
{
    std::map<std::string, const PredictionRecord *> byId;
    for (const PredictionRecord &r : predictions)
        byId[r.id] = &r;

    std::optional<SceneMetrics> scene;
    std::map<std::string, int> classIndex;
    if (dataset_.task == BenchmarkTask::Scene) {
        scene.emplace(dataset_.classes);
        for (std::size_t i = 0; i < dataset_.classes.size(); ++i)
            classIndex[dataset_.classes[i]] = static_cast<int>(i);
    }
    VqaMetrics vqa;
    BoxMetrics boxes;
    std::optional<CaptionMetrics> captions;
    if (dataset_.task == BenchmarkTask::Caption)
        captions.emplace(*wordnet_);

    ModelEvaluation result;
    std::map<std::string, int> notAnswered;
    double seconds = 0.0;
    double modelSeconds = 0.0;
    double flops = 0.0;
    long long flopAnswers = 0;
    long long timed = 0;
    long long answered = 0;
    for (const BenchmarkItem *item : questions_) {
        ScoredQuestion q;
        q.id = item->id;
        q.image = item->image;
        q.question = item->question;
        q.type = item->type;
        q.sizeGroup = item->sizeGroup;
        const auto found = byId.find(item->id);
        if (found == byId.end()) {
            q.status = "not answered yet";
            ++notAnswered[q.status];
            result.questions.push_back(std::move(q));
            continue;
        }
        const PredictionRecord &r = *found->second;
        seconds += r.seconds;
        modelSeconds += r.modelSeconds;
        ++timed;
        q.status = r.status;
        q.answer = r.answer;
        if (!r.answered()) {
            ++notAnswered[r.status];
            result.questions.push_back(std::move(q));
            continue;
        }
        ++answered;
        if (r.flops > 0) {
            flops += r.flops;
            ++flopAnswers;
        }
        switch (dataset_.task) {
        case BenchmarkTask::Scene: {
            q.truth = item->answer;
            const auto truth = classIndex.find(item->answer);
            if (truth == classIndex.end())
                throw InvalidArgument("The question \"" + item->id + "\" has a class the benchmark does not list.");
            const int predicted = scene->add(truth->second, r.answer);
            q.predicted = predicted == SceneMetrics::NoClass ? std::string("(no class)") : dataset_.classes[predicted];
            q.correct = predicted == truth->second;
            q.score = q.correct ? 1.0 : 0.0;
            break;
        }
        case BenchmarkTask::Vqa:
            q.truth = item->answer;
            q.correct = vqa.add(item->type, item->answer, r.answer);
            q.score = q.correct ? 1.0 : 0.0;
            break;
        case BenchmarkTask::Referring:
        case BenchmarkTask::Grounding: {
            std::vector<RotatedBox> grid;
            for (const ParsedBox &b : parseBoxes(r.answer).boxes)
                grid.push_back(b.gridBox());
            q.predictedBoxes = BoxMetrics::gridBoxesToPixels(grid, r.imageWidth, r.imageHeight);
            q.truthBoxes = item->objects;
            const BoxOutcome outcome = boxes.add(item->type, item->sizeGroup, item->objects, q.predictedBoxes);
            q.truth = std::to_string(outcome.objects) + (outcome.objects == 1 ? " object" : " objects");
            q.predicted = std::to_string(outcome.predicted) + (outcome.predicted == 1 ? " box" : " boxes");
            q.correct = outcome.hits50 == outcome.objects;
            q.score = outcome.objects == 0 ? 0.0 : static_cast<double>(outcome.hits50) / outcome.objects;
            break;
        }
        case BenchmarkTask::Caption: {
            // The caption's words: box markup and <p> tags are not part of it.
            const std::string candidate = parseBoxes(r.answer).text;
            q.truth = item->references.empty() ? std::string() : item->references.front();
            q.score = captions->add(candidate, item->references);
            q.correct = q.score >= 0.5;
            break;
        }
        }
        result.questions.push_back(std::move(q));
    }

    Json m;
    m["benchmark"] = benchmarkTaskName(dataset_.task);
    m["dataset"] = dataset_.name;
    m["questions"] = static_cast<long long>(questions_.size());
    m["answered"] = answered;
    Json missing = Json::object();
    for (const auto &[reason, n] : notAnswered)
        missing[reason] = n;
    m["not_answered"] = missing;
    Json task;
    switch (dataset_.task) {
    case BenchmarkTask::Scene: task = scene->toJson(); break;
    case BenchmarkTask::Vqa: task = vqa.toJson(); break;
    case BenchmarkTask::Referring:
    case BenchmarkTask::Grounding: task = boxes.toJson(); break;
    case BenchmarkTask::Caption: task = captions->toJson(); break;
    }
    task.erase("questions"); // the scored count is "answered"
    for (auto it = task.begin(); it != task.end(); ++it)
        m[it.key()] = it.value();
    m["params"] = parameters;
    m["flops_per_answer"] = flopAnswers == 0 ? 0.0 : flops / static_cast<double>(flopAnswers);
    m["seconds_per_question"] = timed == 0 ? 0.0 : seconds / static_cast<double>(timed);
    m["time_outside_model"] = seconds > 0.0 ? std::max(0.0, 1.0 - modelSeconds / seconds) : 0.0;
    result.metrics = m;
    return result;
}

} // namespace geolens
