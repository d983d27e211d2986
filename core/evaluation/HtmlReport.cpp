#include "evaluation/HtmlReport.h"

#include "evaluation/ReportTables.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace geolens {

namespace {

const char *const Palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};

std::string escape(const std::string &text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string num(double v, int decimals = 1)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string colour(std::size_t model)
{
    return Palette[model % (sizeof Palette / sizeof Palette[0])];
}

// White to deep blue; text turns white on dark cells.
std::string heat(double fraction)
{
    const double f = std::clamp(fraction, 0.0, 1.0);
    const int r = static_cast<int>(std::lround(255 - f * (255 - 8)));
    const int g = static_cast<int>(std::lround(255 - f * (255 - 48)));
    const int b = static_cast<int>(std::lround(255 - f * (255 - 107)));
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", r, g, b);
    return buffer;
}

std::string htmlTable(const std::vector<std::string> &models, const std::vector<ReportColumn> &columns)
{
    std::string out = "<table><tr><th>Model</th>";
    for (const ReportColumn &c : columns)
        out += "<th>" + escape(c.header) + "</th>";
    out += "</tr>";
    for (std::size_t m = 0; m < models.size(); ++m) {
        out += "<tr><td><span class=swatch style=\"background:" + colour(m) + "\"></span>" + escape(models[m]) + "</td>";
        for (const ReportColumn &c : columns)
            out += "<td class=num>" + escape(c.values[m]) + "</td>";
        out += "</tr>";
    }
    return out + "</table>";
}

// Grouped horizontal bars: one group per label, one bar per model, values in 0-1.
std::string barChart(const std::string &title, const std::vector<std::string> &labels,
                     const std::vector<std::vector<double>> &valuesByModel, const std::vector<std::string> &models)
{
    const int labelWidth = 190;
    const int plotWidth = 420;
    const int barHeight = 12;
    const int groupGap = 8;
    const int groupHeight = static_cast<int>(models.size()) * barHeight + groupGap;
    const int height = static_cast<int>(labels.size()) * groupHeight + 30;
    std::string svg = "<figure><figcaption>" + escape(title) + "</figcaption><svg class=chart width=\""
                      + std::to_string(labelWidth + plotWidth + 60) + "\" height=\"" + std::to_string(height) + "\">";
    for (int tick = 0; tick <= 100; tick += 25) {
        const int x = labelWidth + plotWidth * tick / 100;
        svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"0\" x2=\"" + std::to_string(x) + "\" y2=\""
               + std::to_string(height - 20) + "\" stroke=\"#ddd\"/><text x=\"" + std::to_string(x) + "\" y=\""
               + std::to_string(height - 6) + "\" font-size=\"10\" text-anchor=\"middle\">" + std::to_string(tick)
               + "%</text>";
    }
    for (std::size_t l = 0; l < labels.size(); ++l) {
        const int top = static_cast<int>(l) * groupHeight;
        svg += "<text x=\"" + std::to_string(labelWidth - 6) + "\" y=\"" + std::to_string(top + groupHeight / 2 + 3)
               + "\" font-size=\"11\" text-anchor=\"end\">" + escape(labels[l]) + "</text>";
        for (std::size_t m = 0; m < models.size(); ++m) {
            const double v = valuesByModel[m][l];
            if (std::isnan(v))
                continue;
            const int y = top + static_cast<int>(m) * barHeight;
            const int w = static_cast<int>(std::lround(plotWidth * std::clamp(v, 0.0, 1.0)));
            svg += "<rect x=\"" + std::to_string(labelWidth) + "\" y=\"" + std::to_string(y) + "\" width=\""
                   + std::to_string(w) + "\" height=\"" + std::to_string(barHeight - 2) + "\" fill=\"" + colour(m)
                   + "\"><title>" + escape(models[m] + " - " + labels[l] + ": " + num(100 * v, 2) + " %")
                   + "</title></rect><text x=\"" + std::to_string(labelWidth + w + 4) + "\" y=\""
                   + std::to_string(y + barHeight - 3) + "\" font-size=\"9\">" + num(100 * v) + "</text>";
        }
    }
    return svg + "</svg></figure>";
}

std::string confusionHeatMap(const std::string &model, const Json &confusion)
{
    const Json *classes = jsonMember(confusion, "classes");
    const Json *columns = jsonMember(confusion, "columns");
    const Json *matrix = jsonMember(confusion, "matrix");
    if (!classes || !columns || !matrix || !matrix->is_array())
        return {};
    const int n = static_cast<int>(classes->size());
    const int m = static_cast<int>(columns->size());
    const int cell = n > 30 ? 16 : 28;
    const int left = 150;
    const int top = 140;
    std::string svg = "<figure><figcaption>Confusion matrix of " + escape(model)
                      + " (rows: true class, columns: the class the answer names; colour: share of the row)</figcaption>"
                        "<svg class=chart width=\"" + std::to_string(left + m * cell + 90) + "\" height=\""
                      + std::to_string(top + n * cell + 10) + "\">";
    for (int c = 0; c < m; ++c) {
        const int x = left + c * cell + cell / 2;
        svg += "<text transform=\"translate(" + std::to_string(x + 3) + "," + std::to_string(top - 4)
               + ") rotate(-60)\" font-size=\"10\">" + escape((*columns)[c].get<std::string>()) + "</text>";
    }
    for (int r = 0; r < n; ++r) {
        const Json &row = (*matrix)[r];
        long long rowTotal = 0;
        for (const Json &v : row)
            rowTotal += v.get<long long>();
        const int y = top + r * cell;
        svg += "<text x=\"" + std::to_string(left - 4) + "\" y=\"" + std::to_string(y + cell / 2 + 4)
               + "\" font-size=\"10\" text-anchor=\"end\">" + escape((*classes)[r].get<std::string>()) + "</text>";
        for (int c = 0; c < m && c < static_cast<int>(row.size()); ++c) {
            const long long count = row[c].get<long long>();
            const double share = rowTotal == 0 ? 0.0 : static_cast<double>(count) / static_cast<double>(rowTotal);
            svg += "<rect x=\"" + std::to_string(left + c * cell) + "\" y=\"" + std::to_string(y) + "\" width=\""
                   + std::to_string(cell) + "\" height=\"" + std::to_string(cell) + "\" fill=\"" + heat(share)
                   + "\" stroke=\"" + (r == c ? "#444" : "#eee") + "\"><title>"
                   + escape((*classes)[r].get<std::string>() + " answered as " + (*columns)[c].get<std::string>() + ": "
                            + std::to_string(count))
                   + "</title></rect>";
            if (count > 0 && cell >= 20)
                svg += "<text x=\"" + std::to_string(left + c * cell + cell / 2) + "\" y=\"" + std::to_string(y + cell / 2 + 4)
                       + "\" font-size=\"9\" text-anchor=\"middle\" fill=\"" + (share > 0.5 ? "#fff" : "#222") + "\">"
                       + std::to_string(count) + "</text>";
        }
    }
    return svg + "</svg></figure>";
}

std::string polygonPoints(const std::array<Point2, 4> &q, double scale)
{
    std::string points;
    for (const Point2 &p : q)
        points += num(p.x * scale, 1) + "," + num(p.y * scale, 1) + " ";
    return points;
}

std::string exampleCard(const ScoredQuestion &q, const HtmlReport::Thumbnailer &thumbnail)
{
    std::string out = "<div class=example>";
    const std::optional<Thumbnail> t = thumbnail ? thumbnail(q.image) : std::nullopt;
    if (t) {
        out += "<svg width=\"" + std::to_string(t->width) + "\" height=\"" + std::to_string(t->height) + "\"><image href=\""
               + t->dataUri + "\" width=\"" + std::to_string(t->width) + "\" height=\"" + std::to_string(t->height) + "\"/>";
        for (const auto &box : q.truthBoxes)
            out += "<polygon points=\"" + polygonPoints(box, t->scale) + "\" fill=\"none\" stroke=\"#2ca02c\" stroke-width=\"2\"/>";
        for (const auto &box : q.predictedBoxes)
            out += "<polygon points=\"" + polygonPoints(box, t->scale)
                   + "\" fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"4 2\"/>";
        out += "</svg>";
    } else {
        out += "<div class=noimage>no picture</div>";
    }
    std::string question = q.question;
    if (question.size() > 160)
        question = question.substr(0, 157) + "...";
    out += "<dl><dt>Question</dt><dd>" + escape(q.id) + ": " + escape(question) + "</dd><dt>Answer</dt><dd>"
           + escape(q.answer.empty() ? "(" + q.status + ")" : q.answer) + "</dd><dt>Truth</dt><dd>" + escape(q.truth)
           + "</dd>";
    if (!q.predicted.empty())
        out += "<dt>Read as</dt><dd>" + escape(q.predicted) + "</dd>";
    out += "<dt>Score</dt><dd>" + num(q.score, 3) + "</dd></dl></div>";
    return out;
}

} // namespace

HtmlReport::HtmlReport(const BenchmarkDataset &dataset, const ReportTables &tables, const Json &metrics,
                       std::vector<std::string> models, const std::vector<ModelEvaluation> &evaluations)
    : dataset_(dataset), tables_(tables), metrics_(metrics), models_(std::move(models)), evaluations_(evaluations)
{
}

std::vector<const ScoredQuestion *> HtmlReport::worstQuestions(const ModelEvaluation &evaluation, int count)
{
    std::vector<const ScoredQuestion *> wrong;
    for (const ScoredQuestion &q : evaluation.questions)
        if (q.status == "answered" && !q.correct)
            wrong.push_back(&q);
    std::stable_sort(wrong.begin(), wrong.end(),
                     [](const ScoredQuestion *a, const ScoredQuestion *b) { return a->score < b->score; });
    if (static_cast<int>(wrong.size()) > count)
        wrong.resize(static_cast<std::size_t>(count));
    return wrong;
}

std::string HtmlReport::render(const Thumbnailer &thumbnail) const
{
    std::string html =
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>GeoLens evaluation: " + escape(dataset_.name)
        + "</title><style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
          "table{border-collapse:collapse;margin:8px 0 16px}td,th{border:1px solid #ccc;padding:4px 8px}"
          "th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}"
          ".swatch{display:inline-block;width:10px;height:10px;margin-right:6px}"
          "figure{margin:12px 0}figcaption{font-weight:bold;margin-bottom:4px}"
          ".examples{display:flex;flex-wrap:wrap;gap:12px}.example{border:1px solid #ddd;padding:8px;width:300px}"
          ".example dl{margin:6px 0;font-size:12px}.example dt{font-weight:bold}.example dd{margin:0 0 4px 0}"
          ".noimage{width:128px;height:64px;background:#eee;color:#888;text-align:center;line-height:64px}"
          ".models{display:flex;flex-wrap:wrap;gap:24px}</style></head><body>";
    html += "<h1>" + escape(std::string(benchmarkTaskName(dataset_.task))) + " on " + escape(dataset_.name) + "</h1>";
    std::size_t questions = 0;
    if (!evaluations_.empty())
        questions = evaluations_.front().questions.size();
    html += "<p>" + std::to_string(questions) + " questions from " + escape(dataset_.questionsFile.empty() ? dataset_.imagesDir
                                                                                                           : dataset_.questionsFile)
            + " (" + escape(dataset_.format) + ").";
    const auto issues = dataset_.issueCounts();
    if (!issues.empty()) {
        html += " Left out of the benchmark:";
        for (const auto &[reason, n] : issues)
            html += " " + std::to_string(n) + " " + escape(reason) + ";";
    }
    html += "</p><h2>Scores</h2>" + htmlTable(models_, tables_.scoreColumns());
    html += "<h2>Size and cost</h2>" + htmlTable(models_, tables_.costColumns());

    const auto series = [&](const char *member, const std::vector<std::string> &labels) {
        std::vector<std::vector<double>> values;
        for (const std::string &model : models_) {
            std::vector<double> v;
            const Json *group = jsonMember(metrics_.at(model), member);
            for (const std::string &l : labels) {
                const Json *x = group ? jsonMember(*group, l) : nullptr;
                v.push_back(x && x->is_number() ? x->get<double>() : NAN);
            }
            values.push_back(v);
        }
        return values;
    };
    switch (dataset_.task) {
    case BenchmarkTask::Scene:
        html += "<h2>Per class</h2>" + barChart("Accuracy per class", dataset_.classes, series("per_class", dataset_.classes), models_);
        html += "<h2>Confusion</h2><div class=models>";
        for (const std::string &model : models_)
            if (const Json *c = jsonMember(metrics_.at(model), "confusion"))
                html += confusionHeatMap(model, *c);
        html += "</div>";
        break;
    case BenchmarkTask::Vqa: {
        std::vector<std::string> types;
        for (const std::string &model : models_)
            if (const Json *byType = jsonMember(metrics_.at(model), "accuracy_by_type"))
                for (auto it = byType->begin(); it != byType->end(); ++it)
                    if (std::find(types.begin(), types.end(), it.key()) == types.end())
                        types.push_back(it.key());
        html += "<h2>Per question type</h2>" + barChart("Accuracy per question type", types, series("accuracy_by_type", types), models_);
        break;
    }
    case BenchmarkTask::Referring:
    case BenchmarkTask::Grounding: {
        std::vector<std::string> groups;
        for (const std::string &model : models_)
            if (const Json *bySize = jsonMember(metrics_.at(model), "by_size_group"))
                for (auto it = bySize->begin(); it != bySize->end(); ++it)
                    if (std::find(groups.begin(), groups.end(), it.key()) == groups.end())
                        groups.push_back(it.key());
        for (const char *threshold : {"acc@0.5", "acc@0.25"}) {
            std::vector<std::vector<double>> values;
            for (const std::string &model : models_) {
                std::vector<double> v;
                const Json *bySize = jsonMember(metrics_.at(model), "by_size_group");
                for (const std::string &g : groups) {
                    const Json *x = bySize && jsonMember(*bySize, g) ? jsonMember(*jsonMember(*bySize, g), threshold) : nullptr;
                    v.push_back(x && x->is_number() ? x->get<double>() : NAN);
                }
                values.push_back(v);
            }
            html += barChart(std::string(threshold) + " per size group", groups, values, models_);
        }
        html += "<p>Green: ground truth; red, dashed: the model's boxes.</p>";
        break;
    }
    case BenchmarkTask::Caption: {
        const std::vector<std::string> keys{"rouge1", "rougeL", "meteor"};
        std::vector<std::vector<double>> values;
        for (const std::string &model : models_) {
            std::vector<double> v;
            for (const std::string &k : keys) {
                const Json *x = jsonMember(metrics_.at(model), k);
                v.push_back(x && x->is_number() ? x->get<double>() : NAN);
            }
            values.push_back(v);
        }
        html += barChart("Caption metrics", {"ROUGE-1", "ROUGE-L", "METEOR"}, values, models_);
        break;
    }
    }

    html += "<h2>Worst examples</h2>";
    for (std::size_t m = 0; m < models_.size() && m < evaluations_.size(); ++m) {
        const auto worst = worstQuestions(evaluations_[m], WorstExamples);
        html += "<h3><span class=swatch style=\"background:" + colour(m) + "\"></span>" + escape(models_[m]) + "</h3>";
        if (worst.empty()) {
            html += "<p>No wrong answer.</p>";
            continue;
        }
        html += "<div class=examples>";
        for (const ScoredQuestion *q : worst)
            html += exampleCard(*q, thumbnail);
        html += "</div>";
    }
    return html + "<p style=\"color:#888;font-size:11px\">Written by GeoLens. Metric definitions: docs/evaluation.md.</p></body></html>\n";
}

} // namespace geolens
