#include "cli/CliArguments.h"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace geolens::cli {

CliArguments::CliArguments(const std::vector<std::string> &args, const std::set<std::string> &valueOptions,
                           const std::set<std::string> &flagOptions)
{
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a.rfind("--", 0) != 0 || a == "--") {
            positional_.push_back(a);
            continue;
        }
        std::string name = a.substr(2);
        std::optional<std::string> inlineValue;
        if (const auto eq = name.find('='); eq != std::string::npos) {
            inlineValue = name.substr(eq + 1);
            name = name.substr(0, eq);
        }
        if (flagOptions.count(name)) {
            if (inlineValue)
                throw UsageError{"option --" + name + " takes no value"};
            flags_.insert(name);
        } else if (valueOptions.count(name)) {
            if (!inlineValue && i + 1 >= args.size())
                throw UsageError{"option --" + name + " needs a value"};
            values_[name] = inlineValue ? *inlineValue : args[++i];
            allValues_[name].push_back(values_[name]);
        } else {
            throw UsageError{"unknown option --" + name};
        }
    }
}

bool CliArguments::has(const std::string &name) const
{
    return flags_.count(name) || values_.count(name);
}

std::optional<std::string> CliArguments::value(const std::string &name) const
{
    auto it = values_.find(name);
    if (it == values_.end())
        return std::nullopt;
    return it->second;
}

std::vector<std::string> CliArguments::values(const std::string &name) const
{
    const auto it = allValues_.find(name);
    return it == allValues_.end() ? std::vector<std::string>() : it->second;
}

std::string CliArguments::value(const std::string &name, const std::string &fallback) const
{
    return value(name).value_or(fallback);
}

int CliArguments::intValue(const std::string &name, int fallback) const
{
    const auto v = value(name);
    if (!v)
        return fallback;
    char *end = nullptr;
    const long parsed = std::strtol(v->c_str(), &end, 10);
    if (v->empty() || *end != '\0' || parsed < -2147483647L || parsed > 2147483647L)
        throw UsageError{"option --" + name + " needs a whole number, not '" + *v + "'"};
    return static_cast<int>(parsed);
}

double CliArguments::doubleValue(const std::string &name, double fallback) const
{
    const auto v = value(name);
    if (!v)
        return fallback;
    char *end = nullptr;
    const double parsed = std::strtod(v->c_str(), &end);
    if (v->empty() || *end != '\0')
        throw UsageError{"option --" + name + " needs a number, not '" + *v + "'"};
    if (!std::isfinite(parsed))
        throw UsageError{"option --" + name + " needs a finite number, not '" + *v + "'"};
    return parsed;
}

std::vector<std::string> splitList(const std::string &text, char separator)
{
    std::vector<std::string> items;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, separator)) {
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos)
            items.push_back(item.substr(first, last - first + 1));
    }
    return items;
}

std::vector<int> tileList(const std::string &spec)
{
    if (spec == "all")
        return {};
    std::vector<int> ids;
    for (const std::string &item : splitList(spec, ',')) {
        try {
            std::size_t used = 0;
            ids.push_back(std::stoi(item, &used));
            if (used != item.size() || ids.back() < 0)
                throw std::invalid_argument(item);
        } catch (const std::exception &) {
            throw UsageError{"--tiles needs \"all\" or tile ids like 0,5,7, not '" + spec + "'"};
        }
    }
    return ids;
}

} // namespace geolens::cli
