#include "distill/MetricsWriter.h"

#include "common/AtomicFile.h"
#include "common/Error.h"

#include <fstream>

namespace geolens {

MetricsWriter::MetricsWriter(std::string path, std::function<void(const MetricsRecord &)> onRecord)
    : path_(std::move(path)), onRecord_(std::move(onRecord))
{
}

void MetricsWriter::startNew()
{
    writeFileAtomically(path_, "");
}

void MetricsWriter::keepUpTo(int step)
{
    std::ifstream in(path_, std::ios::binary);
    std::string line, kept;
    while (std::getline(in, line)) {
        const std::optional<MetricsRecord> record = MetricsRecord::parse(line);
        if (record && record->step() <= step)
            kept += line + "\n";
    }
    writeFileAtomically(path_, kept);
}

void MetricsWriter::write(const MetricsRecord &record)
{
    appendToFile(path_, record.toJsonLine() + "\n");
    if (onRecord_)
        onRecord_(record);
}

} // namespace geolens
