#include "evaluation/ReportTables.h"

#include <cmath>
#include <cstdio>
#include <set>

namespace geolens {

namespace {

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string percent(const Json *value)
{
    if (!value || !value->is_number())
        return "-";
    return fixed(100.0 * value->get<double>(), 2);
}

const Json *path(const Json &root, std::initializer_list<const char *> keys)
{
    const Json *at = &root;
    for (const char *k : keys) {
        at = jsonMember(*at, k);
        if (!at)
            return nullptr;
    }
    return at;
}

std::string typeHeader(const std::string &type)
{
    if (type == "presence")
        return "Presence";
    if (type == "comparison")
        return "Comparison";
    if (type == "rural_urban")
        return "Rural/urban";
    if (type == "count")
        return "Count";
    if (type == "area")
        return "Area";
    return type;
}

} // namespace

std::string ReportTables::csvField(const std::string &text)
{
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text) {
        if (c == '"')
            quoted += '"';
        quoted += c;
    }
    return quoted + "\"";
}

std::string ReportTables::markdownTable(const std::vector<std::string> &headers,
                                        const std::vector<std::vector<std::string>> &rows)
{
    std::string out = "|";
    for (const std::string &h : headers)
        out += " " + h + " |";
    out += "\n|";
    for (std::size_t i = 0; i < headers.size(); ++i)
        out += "---|";
    out += "\n";
    for (const auto &row : rows) {
        out += "|";
        for (const std::string &cell : row)
            out += " " + cell + " |";
        out += "\n";
    }
    return out;
}

namespace {

// Model names as the first column, then each column's value.
std::vector<std::vector<std::string>> rowsOf(const std::vector<std::string> &models,
                                             const std::vector<ReportColumn> &columns)
{
    std::vector<std::vector<std::string>> rows;
    for (std::size_t m = 0; m < models.size(); ++m) {
        std::vector<std::string> row{models[m]};
        for (const ReportColumn &c : columns)
            row.push_back(c.values[m]);
        rows.push_back(std::move(row));
    }
    return rows;
}

std::vector<std::string> headersOf(const std::vector<ReportColumn> &columns)
{
    std::vector<std::string> headers{"Model"};
    for (const ReportColumn &c : columns)
        headers.push_back(c.header);
    return headers;
}

} // namespace

ReportTables::ReportTables(BenchmarkTask task, std::string datasetName, const Json &metrics)
    : task_(task), dataset_(std::move(datasetName))
{
    std::vector<const Json *> rows;
    for (auto it = metrics.begin(); it != metrics.end(); ++it) {
        models_.push_back(it.key());
        rows.push_back(&it.value());
    }
    const auto addColumn = [&](std::vector<ReportColumn> &table, const std::string &header, auto value) {
        ReportColumn c{header, {}};
        for (const Json *row : rows)
            c.values.push_back(value(*row));
        table.push_back(std::move(c));
    };
    const auto column = [&](const std::string &header, auto value) { addColumn(scores_, header, value); };
    switch (task_) {
    case BenchmarkTask::Scene:
        column("OA " + dataset_, [](const Json &m) { return percent(jsonMember(m, "oa")); });
        column("AA " + dataset_, [](const Json &m) { return percent(jsonMember(m, "aa")); });
        break;
    case BenchmarkTask::Vqa: {
        std::vector<std::string> types;
        std::set<std::string> seen;
        for (const Json *row : rows)
            if (const Json *byType = jsonMember(*row, "accuracy_by_type"); byType && byType->is_object())
                for (auto it = byType->begin(); it != byType->end(); ++it)
                    if (seen.insert(it.key()).second)
                        types.push_back(it.key());
        for (const std::string &t : types)
            column(typeHeader(t), [t](const Json &m) { return percent(path(m, {"accuracy_by_type", t.c_str()})); });
        column("Overall (paper's mOA)", [](const Json &m) { return percent(jsonMember(m, "overall")); });
        column("Mean of types", [](const Json &m) { return percent(jsonMember(m, "mean_of_types")); });
        break;
    }
    case BenchmarkTask::Referring:
    case BenchmarkTask::Grounding: {
        column("acc@0.5", [](const Json &m) { return percent(jsonMember(m, "acc@0.5")); });
        column("acc@0.25", [](const Json &m) { return percent(jsonMember(m, "acc@0.25")); });
        std::vector<std::string> groups;
        std::set<std::string> seen;
        for (const Json *row : rows)
            if (const Json *bySize = jsonMember(*row, "by_size_group"); bySize && bySize->is_object())
                for (auto it = bySize->begin(); it != bySize->end(); ++it)
                    if (seen.insert(it.key()).second)
                        groups.push_back(it.key());
        for (const std::string &g : groups)
            column("acc@0.5 " + g, [g](const Json &m) { return percent(path(m, {"by_size_group", g.c_str(), "acc@0.5"})); });
        break;
    }
    case BenchmarkTask::Caption:
        column("ROUGE-1", [](const Json &m) { return percent(jsonMember(m, "rouge1")); });
        column("ROUGE-L", [](const Json &m) { return percent(jsonMember(m, "rougeL")); });
        column("METEOR", [](const Json &m) { return percent(jsonMember(m, "meteor")); });
        column("CIDEr-D", [](const Json &m) {
            const Json *v = jsonMember(m, "cider");
            return v && v->is_number() ? fixed(v->get<double>(), 3) : std::string("-");
        });
        break;
    }
    const auto costColumn = [&](const std::string &header, auto value) { addColumn(cost_, header, value); };
    const auto number = [](const Json &m, const char *key) {
        const Json *v = jsonMember(m, key);
        return v && v->is_number() ? v->get<double>() : NAN;
    };
    costColumn("Params (M)", [&](const Json &m) {
        const double p = number(m, "params");
        return std::isnan(p) || p <= 0 ? std::string("-") : fixed(p / 1e6, 2);
    });
    costColumn("GFLOPs per answer", [&](const Json &m) {
        const double f = number(m, "flops_per_answer");
        return std::isnan(f) || f <= 0 ? std::string("-") : fixed(f / 1e9, 2);
    });
    costColumn("Seconds per question", [&](const Json &m) {
        const double s = number(m, "seconds_per_question");
        return std::isnan(s) ? std::string("-") : fixed(s, 3);
    });
    costColumn("Time outside the model (%)", [&](const Json &m) { return percent(jsonMember(m, "time_outside_model")); });
    costColumn("Answered", [&](const Json &m) {
        const double a = number(m, "answered");
        const double q = number(m, "questions");
        return std::isnan(a) ? std::string("-") : fixed(a, 0) + " / " + fixed(q, 0);
    });
    for (std::size_t i = 0; i < rows.size(); ++i)
        if (const Json *missing = jsonMember(*rows[i], "not_answered"); missing && missing->is_object())
            for (auto it = missing->begin(); it != missing->end(); ++it)
                notes_.push_back(models_[i] + ": " + std::to_string(it.value().get<long long>()) + " questions " + it.key() + ".");
}

std::string ReportTables::markdown() const
{
    std::string out = std::string("## ") + benchmarkTaskName(task_) + " on " + dataset_ + "\n\n";
    out += markdownTable(headersOf(scores_), rowsOf(models_, scores_));
    out += "\nAccuracies in percent.";
    if (task_ == BenchmarkTask::Vqa)
        out += " \"Overall\" is correct answers over all questions, which is what the paper's mOA numbers are; "
               "\"Mean of types\" is the unweighted mean of the type accuracies, which is how the paper's text defines mOA.";
    out += "\n\n## Size and cost\n\n" + markdownTable(headersOf(cost_), rowsOf(models_, cost_));
    if (!notes_.empty()) {
        out += "\nNot scored:\n\n";
        for (const std::string &n : notes_)
            out += "- " + n + "\n";
    }
    return out;
}

std::string ReportTables::csv() const
{
    std::string out = "model";
    for (const auto *columns : {&scores_, &cost_})
        for (const ReportColumn &c : *columns)
            out += "," + csvField(c.header);
    out += "\n";
    for (std::size_t m = 0; m < models_.size(); ++m) {
        out += csvField(models_[m]);
        for (const auto *columns : {&scores_, &cost_})
            for (const ReportColumn &c : *columns)
                out += "," + csvField(c.values[m]);
        out += "\n";
    }
    return out;
}

} // namespace geolens
