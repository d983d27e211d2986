#include "model/TensorInfo.h"

#include <algorithm>

namespace geolens {

namespace {

struct DTypeEntry {
    DType type;
    const char *name;
    std::size_t size;
};

constexpr DTypeEntry DTypes[] = {
    {DType::F16, "F16", 2},  {DType::BF16, "BF16", 2}, {DType::F32, "F32", 4}, {DType::F64, "F64", 8},
    {DType::I64, "I64", 8},  {DType::I32, "I32", 4},   {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},    {DType::Bool, "BOOL", 1},
};

const DTypeEntry &entry(DType type)
{
    return *std::find_if(std::begin(DTypes), std::end(DTypes), [type](const DTypeEntry &e) { return e.type == type; });
}

} // namespace

std::size_t dtypeSize(DType type)
{
    return entry(type).size;
}

const char *dtypeName(DType type)
{
    return entry(type).name;
}

std::optional<DType> dtypeFromName(const std::string &name)
{
    for (const DTypeEntry &e : DTypes)
        if (name == e.name)
            return e.type;
    return std::nullopt;
}

std::int64_t TensorInfo::numel() const
{
    std::int64_t n = 1;
    for (std::int64_t d : shape)
        n *= d;
    return n;
}

std::uint64_t TensorInfo::extentBytes() const
{
    if (numel() == 0)
        return 0;
    std::int64_t last = 0;
    for (std::size_t i = 0; i < shape.size(); ++i)
        last += (shape[i] - 1) * strides[i];
    return static_cast<std::uint64_t>(last + 1) * dtypeSize(dtype);
}

std::vector<std::int64_t> contiguousStrides(const std::vector<std::int64_t> &shape)
{
    std::vector<std::int64_t> strides(shape.size(), 1);
    for (std::size_t i = shape.size(); i-- > 1;)
        strides[i - 1] = strides[i] * shape[i];
    return strides;
}

} // namespace geolens
