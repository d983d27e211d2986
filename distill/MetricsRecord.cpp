#include "distill/MetricsRecord.h"

#include "common/JsonIo.h"

#include <cmath>
#include <limits>

namespace geolens {

namespace {

constexpr double Null = std::numeric_limits<double>::quiet_NaN();

} // namespace

const MetricsRecord::Field *MetricsRecord::find(std::string_view key) const
{
    for (const Field &f : fields_)
        if (f.key == key)
            return &f;
    return nullptr;
}

MetricsRecord::Field &MetricsRecord::slot(std::string_view key)
{
    for (Field &f : fields_)
        if (f.key == key)
            return f;
    fields_.push_back({std::string(key), Null});
    return fields_.back();
}

MetricsRecord &MetricsRecord::set(std::string_view key, double value)
{
    slot(key).value = std::isfinite(value) ? value : Null;
    return *this;
}

MetricsRecord &MetricsRecord::setText(std::string_view key, std::string value)
{
    slot(key).value = std::move(value);
    return *this;
}

std::optional<double> MetricsRecord::number(std::string_view key) const
{
    if (key == MetricsKey::Step)
        return step_;
    const Field *f = find(key);
    if (!f)
        return std::nullopt;
    const double *value = std::get_if<double>(&f->value);
    if (!value || std::isnan(*value))
        return std::nullopt;
    return *value;
}

std::string MetricsRecord::text(std::string_view key) const
{
    const Field *f = find(key);
    if (!f)
        return {};
    const std::string *value = std::get_if<std::string>(&f->value);
    return value ? *value : std::string();
}

std::vector<std::pair<std::string, double>> MetricsRecord::numbers() const
{
    std::vector<std::pair<std::string, double>> out;
    for (const Field &f : fields_)
        if (const double *value = std::get_if<double>(&f.value); value && !std::isnan(*value))
            out.emplace_back(f.key, *value);
    return out;
}

std::string MetricsRecord::toJsonLine() const
{
    Json line = Json::object();
    line[MetricsKey::Step] = step_;
    for (const Field &f : fields_) {
        if (const double *value = std::get_if<double>(&f.value))
            line[f.key] = std::isfinite(*value) ? Json(*value) : Json();
        else
            line[f.key] = std::get<std::string>(f.value);
    }
    // Invalid UTF-8 in a text (a path in a message) is replaced rather than refused.
    return dumpJson(line);
}

std::optional<MetricsRecord> MetricsRecord::parse(std::string_view line)
{
    const Json json = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object())
        return std::nullopt;
    const auto step = json.find(MetricsKey::Step);
    if (step == json.end() || !step->is_number())
        return std::nullopt;
    MetricsRecord record(static_cast<int>(step->get<double>()));
    for (const auto &[key, value] : json.items()) {
        if (key == MetricsKey::Step)
            continue;
        if (value.is_number())
            record.fields_.push_back({key, value.get<double>()});
        else if (value.is_null())
            record.fields_.push_back({key, Null});
        else if (value.is_string())
            record.fields_.push_back({key, value.get<std::string>()});
    }
    return record;
}

} // namespace geolens
