#include "cli/CliArguments.h"

#include <cstdlib>

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
            if (inlineValue) {
                values_[name] = *inlineValue;
            } else {
                if (i + 1 >= args.size())
                    throw UsageError{"option --" + name + " needs a value"};
                values_[name] = args[++i];
            }
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
    return parsed;
}

} // namespace geolens::cli
