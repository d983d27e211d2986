#include "model/PytorchCheckpointReader.h"

#include "common/Error.h"
#include "common/MappedFile.h"
#include "model/ZipArchive.h"

#include <cstdio>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace geolens {

namespace {

// Pickle opcodes, as defined by CPython's pickle module. Only the ones torch.save and equivalent
// hand-written files use are implemented; the others are named for error messages.
enum class Opcode : std::uint8_t {
    Mark = 0x28,
    Stop = 0x2e,
    Pop = 0x30,
    PopMark = 0x31,
    Dup = 0x32,
    BinInt = 0x4a,
    BinInt1 = 0x4b,
    BinInt2 = 0x4d,
    None = 0x4e,
    BinPersId = 0x51,
    Reduce = 0x52,
    BinString = 0x54,
    ShortBinString = 0x55,
    BinUnicode = 0x58,
    Append = 0x61,
    Build = 0x62,
    Global = 0x63,
    EmptyDict = 0x7d,
    Appends = 0x65,
    BinGet = 0x68,
    LongBinGet = 0x6a,
    EmptyList = 0x5d,
    BinPut = 0x71,
    LongBinPut = 0x72,
    SetItem = 0x73,
    Tuple = 0x74,
    EmptyTuple = 0x29,
    SetItems = 0x75,
    BinFloat = 0x47,
    Proto = 0x80,
    NewObj = 0x81,
    Tuple1 = 0x85,
    Tuple2 = 0x86,
    Tuple3 = 0x87,
    NewTrue = 0x88,
    NewFalse = 0x89,
    Long1 = 0x8a,
    BinBytes = 0x42,
    ShortBinBytes = 0x43,
    ShortBinUnicode = 0x8c,
    BinUnicode8 = 0x8d,
    StackGlobal = 0x93,
    Memoize = 0x94,
    Frame = 0x95,
};

struct OpcodeName {
    std::uint8_t code;
    const char *name;
};

// Every opcode of pickle protocols 0 to 5, so that an unsupported one is reported by name.
constexpr OpcodeName OpcodeNames[] = {
    {0x28, "MARK"},         {0x2e, "STOP"},           {0x30, "POP"},          {0x31, "POP_MARK"},
    {0x32, "DUP"},          {0x46, "FLOAT"},          {0x49, "INT"},          {0x4a, "BININT"},
    {0x4b, "BININT1"},      {0x4c, "LONG"},           {0x4d, "BININT2"},      {0x4e, "NONE"},
    {0x50, "PERSID"},       {0x51, "BINPERSID"},      {0x52, "REDUCE"},       {0x53, "STRING"},
    {0x54, "BINSTRING"},    {0x55, "SHORT_BINSTRING"}, {0x56, "UNICODE"},     {0x58, "BINUNICODE"},
    {0x61, "APPEND"},       {0x62, "BUILD"},          {0x63, "GLOBAL"},       {0x64, "DICT"},
    {0x7d, "EMPTY_DICT"},   {0x65, "APPENDS"},        {0x67, "GET"},          {0x68, "BINGET"},
    {0x69, "INST"},         {0x6a, "LONG_BINGET"},    {0x6c, "LIST"},         {0x5d, "EMPTY_LIST"},
    {0x6f, "OBJ"},          {0x70, "PUT"},            {0x71, "BINPUT"},       {0x72, "LONG_BINPUT"},
    {0x73, "SETITEM"},      {0x74, "TUPLE"},          {0x29, "EMPTY_TUPLE"},  {0x75, "SETITEMS"},
    {0x47, "BINFLOAT"},     {0x80, "PROTO"},          {0x81, "NEWOBJ"},       {0x82, "EXT1"},
    {0x83, "EXT2"},         {0x84, "EXT4"},           {0x85, "TUPLE1"},       {0x86, "TUPLE2"},
    {0x87, "TUPLE3"},       {0x88, "NEWTRUE"},        {0x89, "NEWFALSE"},     {0x8a, "LONG1"},
    {0x8b, "LONG4"},        {0x42, "BINBYTES"},       {0x43, "SHORT_BINBYTES"}, {0x8c, "SHORT_BINUNICODE"},
    {0x8d, "BINUNICODE8"},  {0x8e, "BINBYTES8"},      {0x8f, "EMPTY_SET"},    {0x90, "ADDITEMS"},
    {0x91, "FROZENSET"},    {0x92, "NEWOBJ_EX"},      {0x93, "STACK_GLOBAL"}, {0x94, "MEMOIZE"},
    {0x95, "FRAME"},        {0x96, "BYTEARRAY8"},     {0x97, "NEXT_BUFFER"},  {0x98, "READONLY_BUFFER"},
};

std::string describeOpcode(std::uint8_t code)
{
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02x", static_cast<unsigned>(code));
    for (const OpcodeName &entry : OpcodeNames)
        if (entry.code == code)
            return std::string(hex) + " (" + entry.name + ")";
    return std::string(hex) + " (not a pickle opcode)";
}

// What a global may be used for once it is on the stack.
enum class GlobalRole { OrderedDict, RebuildTensor, RebuildParameter, StorageType };

struct AllowedGlobal {
    const char *module;
    const char *name;
    GlobalRole role;
    DType storageType; // for StorageType only
};

// The only globals a checkpoint may name. Anything else (os.system, builtins.eval, a model
// class...) is refused when the pickle asks for it, before anything is built or called.
constexpr AllowedGlobal AllowedGlobals[] = {
    {"collections", "OrderedDict", GlobalRole::OrderedDict, DType::U8},
    {"torch._utils", "_rebuild_tensor_v2", GlobalRole::RebuildTensor, DType::U8},
    {"torch._utils", "_rebuild_parameter", GlobalRole::RebuildParameter, DType::U8},
    {"torch", "HalfStorage", GlobalRole::StorageType, DType::F16},
    {"torch", "BFloat16Storage", GlobalRole::StorageType, DType::BF16},
    {"torch", "FloatStorage", GlobalRole::StorageType, DType::F32},
    {"torch", "DoubleStorage", GlobalRole::StorageType, DType::F64},
    {"torch", "LongStorage", GlobalRole::StorageType, DType::I64},
    {"torch", "IntStorage", GlobalRole::StorageType, DType::I32},
    {"torch", "ShortStorage", GlobalRole::StorageType, DType::I16},
    {"torch", "CharStorage", GlobalRole::StorageType, DType::I8},
    {"torch", "ByteStorage", GlobalRole::StorageType, DType::U8},
    {"torch", "BoolStorage", GlobalRole::StorageType, DType::Bool},
};

std::string globalName(const AllowedGlobal &global)
{
    return std::string(global.module) + "." + global.name;
}

// One storage record of the archive (FOLDER/data/KEY), as a persistent id resolved it.
struct Storage {
    std::string entryName;
    DType dtype = DType::U8;
    std::uint64_t numel = 0;
    std::uint64_t dataOffset = 0; // absolute, in the mapped file
    std::uint64_t sizeBytes = 0;
};

// A Python object the restricted unpickler can build. Containers hold pointers to other values
// owned by the unpickler, so that the memo and the stack share objects the way Python does
// (a dict fetched from the memo and then filled is the same dict).
struct Value {
    enum class Kind { None, Bool, Int, Float, String, Bytes, Tuple, List, Dict, Global, Storage, Tensor };

    Kind kind = Kind::None;
    std::int64_t integer = 0; // Bool, Int
    double real = 0.0;        // Float
    std::string text;         // String, Bytes
    std::vector<Value *> items;                         // Tuple, List
    std::vector<std::pair<Value *, Value *>> entries;   // Dict, in insertion order
    const AllowedGlobal *global = nullptr;              // Global
    const Storage *storage = nullptr;                   // Storage
    const TensorInfo *tensor = nullptr;                 // Tensor
};

const char *describeKind(Value::Kind kind)
{
    switch (kind) {
    case Value::Kind::None: return "None";
    case Value::Kind::Bool: return "a bool";
    case Value::Kind::Int: return "an int";
    case Value::Kind::Float: return "a float";
    case Value::Kind::String: return "a string";
    case Value::Kind::Bytes: return "a bytes object";
    case Value::Kind::Tuple: return "a tuple";
    case Value::Kind::List: return "a list";
    case Value::Kind::Dict: return "a dict";
    case Value::Kind::Global: return "a class or function";
    case Value::Kind::Storage: return "a storage";
    case Value::Kind::Tensor: return "a tensor";
    }
    return "an unknown object";
}

bool multiplyWithin(std::uint64_t a, std::uint64_t b, std::uint64_t limit, std::uint64_t &product)
{
    if (b != 0 && a > limit / b)
        return false;
    product = a * b;
    return product <= limit;
}

bool addWithin(std::uint64_t a, std::uint64_t b, std::uint64_t limit, std::uint64_t &sum)
{
    if (a > limit || b > limit - a)
        return false;
    sum = a + b;
    return true;
}

constexpr std::uint64_t MaxInt64 = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());

// Every value the unpickler keeps reaches the stack or the memo, so capping both bounds the
// memory a hostile pickle can make it use. A checkpoint needs about 30 pushes per tensor; the
// cap allows some 280,000 tensors.
constexpr std::uint64_t MaxPushes = std::uint64_t(1) << 23;

// Interprets the pickle of a torch.save archive without executing anything: each opcode either
// builds plain data or applies one of the allowlisted callables, implemented here in C++.
// Persistent ids are resolved to the archive's storage entries; tensors point into the mapping.
class RestrictedUnpickler {
public:
    RestrictedUnpickler(const ZipArchive &archive, std::string folder, std::string_view pickle)
        : archive_(archive), folder_(std::move(folder)), pickle_(pickle)
    {
    }

    // Runs the pickle to its STOP and returns the object it left; valid while this unpickler lives.
    const Value &load();

private:
    [[noreturn]] void fail(const std::string &problem) const { throw FileError(archive_.path(), problem); }
    [[noreturn]] void damaged(const std::string &what) const
    {
        fail("cannot be read: its pickle (" + folder_ + "data.pkl) is damaged at byte " +
             std::to_string(opcodePosition_) + ": " + what + ".");
    }

    std::string_view take(std::uint64_t count);
    std::uint8_t takeByte() { return static_cast<std::uint8_t>(take(1)[0]); }
    std::uint64_t takeLittleEndian(int byteCount);
    std::string takeLine();

    Value *make(Value::Kind kind);
    Value *makeString(Value::Kind kind, std::uint64_t length);
    Value *makeInt(std::int64_t value);
    void push(Value *value);
    void remember(std::uint64_t index, Value *value);
    std::size_t markBase() const { return marks_.empty() ? 0 : marks_.back(); }
    Value *pop();
    Value *top();
    std::vector<Value *> popMark();
    Value *popTuple(std::size_t count);
    Value *topContainer(Value::Kind kind, const char *opcodeName);

    Value *allowedGlobal(const std::string &module, const std::string &name);
    Value *call(const Value &callable, const Value &arguments);
    Value *rebuildTensor(const std::vector<Value *> &arguments);
    Value *loadStorage(const Value &persistentId);
    const Value &argument(const std::vector<Value *> &arguments, std::size_t index, Value::Kind kind,
                          const std::string &function, const char *role) const;

    const ZipArchive &archive_;
    const std::string folder_; // "archive/": the prefix of every entry
    const std::string_view pickle_;
    std::uint64_t position_ = 0;
    std::uint64_t opcodePosition_ = 0;

    std::deque<Value> values_; // owns every value; a deque keeps their addresses stable
    std::deque<TensorInfo> tensors_;
    std::uint64_t pushCount_ = 0;
    std::vector<Value *> stack_;
    std::vector<std::size_t> marks_; // stack sizes at each open MARK
    std::unordered_map<std::uint64_t, Value *> memo_;
    std::map<std::string, Storage> storagesByKey_;
};

std::string_view RestrictedUnpickler::take(std::uint64_t count)
{
    if (count > pickle_.size() - position_)
        damaged("an instruction runs past the end of the pickle; the file may be truncated");
    const std::string_view bytes = pickle_.substr(static_cast<std::size_t>(position_), static_cast<std::size_t>(count));
    position_ += count;
    return bytes;
}

std::uint64_t RestrictedUnpickler::takeLittleEndian(int byteCount)
{
    const std::string_view bytes = take(static_cast<std::uint64_t>(byteCount));
    std::uint64_t value = 0;
    for (int i = byteCount; i-- > 0;)
        value = (value << 8) | static_cast<std::uint8_t>(bytes[static_cast<std::size_t>(i)]);
    return value;
}

std::string RestrictedUnpickler::takeLine()
{
    const std::size_t newline = pickle_.find('\n', static_cast<std::size_t>(position_));
    if (newline == std::string_view::npos)
        damaged("a GLOBAL instruction is not terminated; the file may be truncated");
    std::string line(pickle_.substr(static_cast<std::size_t>(position_), newline - position_));
    position_ = newline + 1;
    return line;
}

Value *RestrictedUnpickler::make(Value::Kind kind)
{
    values_.emplace_back();
    values_.back().kind = kind;
    return &values_.back();
}

Value *RestrictedUnpickler::makeString(Value::Kind kind, std::uint64_t length)
{
    const std::string_view bytes = take(length); // checked before anything is allocated
    Value *value = make(kind);
    value->text.assign(bytes.data(), bytes.size());
    return value;
}

Value *RestrictedUnpickler::makeInt(std::int64_t integer)
{
    Value *value = make(Value::Kind::Int);
    value->integer = integer;
    return value;
}

void RestrictedUnpickler::push(Value *value)
{
    if (++pushCount_ > MaxPushes)
        fail("cannot be read: its pickle builds more than " + std::to_string(MaxPushes) +
             " objects, far more than a checkpoint needs.");
    stack_.push_back(value);
}

void RestrictedUnpickler::remember(std::uint64_t index, Value *value)
{
    if (memo_.size() >= MaxPushes && memo_.count(index) == 0)
        fail("cannot be read: its pickle remembers more than " + std::to_string(MaxPushes) +
             " objects, far more than a checkpoint needs.");
    memo_[index] = value;
}

Value *RestrictedUnpickler::pop()
{
    if (stack_.size() <= markBase())
        damaged("an instruction needs a value and the stack is empty");
    Value *value = stack_.back();
    stack_.pop_back();
    return value;
}

Value *RestrictedUnpickler::top()
{
    if (stack_.size() <= markBase())
        damaged("an instruction needs a value and the stack is empty");
    return stack_.back();
}

std::vector<Value *> RestrictedUnpickler::popMark()
{
    if (marks_.empty())
        damaged("an instruction needs a MARK and there is none");
    const std::size_t base = marks_.back();
    marks_.pop_back();
    std::vector<Value *> items(stack_.begin() + static_cast<std::ptrdiff_t>(base), stack_.end());
    stack_.resize(base);
    return items;
}

Value *RestrictedUnpickler::popTuple(std::size_t count)
{
    if (stack_.size() < markBase() + count)
        damaged("a tuple needs more values than the stack holds");
    Value *tuple = make(Value::Kind::Tuple);
    tuple->items.assign(stack_.end() - static_cast<std::ptrdiff_t>(count), stack_.end());
    stack_.resize(stack_.size() - count);
    return tuple;
}

Value *RestrictedUnpickler::topContainer(Value::Kind kind, const char *opcodeName)
{
    Value *container = top();
    if (container->kind != kind)
        fail("cannot be read: its pickle applies " + std::string(opcodeName) + " to " +
             describeKind(container->kind) + ", which a checkpoint does not do.");
    return container;
}

Value *RestrictedUnpickler::allowedGlobal(const std::string &module, const std::string &name)
{
    for (const AllowedGlobal &global : AllowedGlobals) {
        if (module == global.module && name == global.name) {
            Value *value = make(Value::Kind::Global);
            value->global = &global;
            return value;
        }
    }
    fail("refuses to load: the pickle asks for " + module + "." + name + ", which is not allowed in a checkpoint.");
}

const Value &RestrictedUnpickler::argument(const std::vector<Value *> &arguments, std::size_t index,
                                           Value::Kind kind, const std::string &function, const char *role) const
{
    const Value &value = *arguments[index];
    if (value.kind != kind)
        fail("cannot be read: its pickle calls " + function + " with " + describeKind(value.kind) + " as " + role +
             ", where " + describeKind(kind) + " belongs.");
    return value;
}

Value *RestrictedUnpickler::call(const Value &callable, const Value &arguments)
{
    if (callable.kind != Value::Kind::Global)
        fail("cannot be read: its pickle calls " + std::string(describeKind(callable.kind)) +
             ", which is not a function.");
    if (arguments.kind != Value::Kind::Tuple)
        damaged("a call's arguments are " + std::string(describeKind(arguments.kind)) + ", not a tuple");
    const AllowedGlobal &global = *callable.global;
    const std::string function = globalName(global);
    switch (global.role) {
    case GlobalRole::OrderedDict:
        // torch.save writes OrderedDict() and fills it with SETITEMS.
        if (!arguments.items.empty())
            fail("cannot be read: its pickle calls collections.OrderedDict with arguments, which torch.save "
                 "does not do.");
        return make(Value::Kind::Dict);
    case GlobalRole::RebuildTensor:
        return rebuildTensor(arguments.items);
    case GlobalRole::RebuildParameter:
        // _rebuild_parameter(data, requires_grad, backward_hooks): a Parameter is its data here.
        if (arguments.items.size() != 3)
            fail("cannot be read: its pickle calls " + function + " with " + std::to_string(arguments.items.size()) +
                 " arguments; 3 are expected.");
        argument(arguments.items, 0, Value::Kind::Tensor, function, "the data");
        return arguments.items[0];
    case GlobalRole::StorageType:
        break;
    }
    fail("cannot be read: its pickle calls " + function + ", which a checkpoint does not do.");
}

Value *RestrictedUnpickler::rebuildTensor(const std::vector<Value *> &arguments)
{
    // _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata])
    const std::string function = "torch._utils._rebuild_tensor_v2";
    if (arguments.size() != 6 && arguments.size() != 7)
        fail("cannot be read: its pickle calls " + function + " with " + std::to_string(arguments.size()) +
             " arguments; 6 or 7 are expected.");
    const Storage &storage = *argument(arguments, 0, Value::Kind::Storage, function, "the storage").storage;
    const std::int64_t storageOffset =
        argument(arguments, 1, Value::Kind::Int, function, "the storage offset").integer;
    const std::vector<Value *> &sizes = argument(arguments, 2, Value::Kind::Tuple, function, "the size").items;
    const std::vector<Value *> &strides = argument(arguments, 3, Value::Kind::Tuple, function, "the stride").items;
    if (arguments[4]->kind != Value::Kind::Bool && arguments[4]->kind != Value::Kind::Int)
        argument(arguments, 4, Value::Kind::Bool, function, "requires_grad");
    argument(arguments, 5, Value::Kind::Dict, function, "the backward hooks");
    if (arguments.size() == 7 && arguments[6]->kind != Value::Kind::None)
        argument(arguments, 6, Value::Kind::Dict, function, "the metadata");

    if (sizes.size() != strides.size())
        fail("cannot be read: its pickle describes a tensor with " + std::to_string(sizes.size()) +
             " dimensions and " + std::to_string(strides.size()) + " strides.");
    if (storageOffset < 0)
        fail("cannot be read: its pickle describes a tensor at a negative storage offset.");

    TensorInfo tensor;
    tensor.dtype = storage.dtype;
    tensor.file = archive_.file();
    // Checked arithmetic throughout: a hostile pickle could pick sizes whose byte extent wraps
    // around and seems to fit the storage. Keeping every count within int64 also keeps
    // TensorInfo::numel() and extentBytes() from overflowing later.
    const std::uint64_t elementSize = dtypeSize(storage.dtype);
    std::uint64_t numel = 1;
    std::uint64_t lastIndex = 0; // of the element farthest from the first, in elements
    bool fits = true;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (sizes[i]->kind != Value::Kind::Int || strides[i]->kind != Value::Kind::Int)
            fail("cannot be read: its pickle describes a tensor whose size or stride is not a tuple of ints.");
        const std::int64_t size = sizes[i]->integer;
        const std::int64_t stride = strides[i]->integer;
        if (size < 0 || stride < 0)
            fail("cannot be read: its pickle describes a tensor with a negative size or stride.");
        tensor.shape.push_back(size);
        tensor.strides.push_back(stride);
        fits = fits && multiplyWithin(numel, static_cast<std::uint64_t>(size), MaxInt64, numel);
        std::uint64_t step = 0;
        if (size > 0)
            fits = fits && multiplyWithin(static_cast<std::uint64_t>(size - 1), static_cast<std::uint64_t>(stride),
                                          MaxInt64, step) &&
                   addWithin(lastIndex, step, MaxInt64, lastIndex);
    }
    std::uint64_t offsetBytes = 0;
    std::uint64_t extentBytes = 0; // stays 0 for a tensor without elements
    std::uint64_t endBytes = 0;
    fits = fits && multiplyWithin(static_cast<std::uint64_t>(storageOffset), elementSize, MaxInt64, offsetBytes);
    if (numel > 0)
        fits = fits && multiplyWithin(lastIndex + 1, elementSize, MaxInt64, extentBytes);
    fits = fits && addWithin(offsetBytes, extentBytes, MaxInt64, endBytes) && endBytes <= storage.sizeBytes;
    if (!fits)
        fail("cannot be read: its pickle describes a tensor that reaches past the end of its storage " +
             storage.entryName + ".");
    tensor.offset = storage.dataOffset + offsetBytes;

    tensors_.push_back(std::move(tensor));
    Value *value = make(Value::Kind::Tensor);
    value->tensor = &tensors_.back();
    return value;
}

Value *RestrictedUnpickler::loadStorage(const Value &persistentId)
{
    // torch.save's persistent id: ('storage', storage type, key, location, numel).
    const bool isStorageId = persistentId.kind == Value::Kind::Tuple && persistentId.items.size() == 5 &&
                             persistentId.items[0]->kind == Value::Kind::String &&
                             persistentId.items[0]->text == "storage";
    if (!isStorageId)
        fail("cannot be read: its pickle refers to a persistent object that is not a tensor storage.");
    const Value &type = *persistentId.items[1];
    const Value &key = *persistentId.items[2];
    const Value &location = *persistentId.items[3];
    const Value &numel = *persistentId.items[4];
    if (type.kind != Value::Kind::Global || type.global->role != GlobalRole::StorageType ||
        key.kind != Value::Kind::String || location.kind != Value::Kind::String || numel.kind != Value::Kind::Int ||
        numel.integer < 0)
        fail("cannot be read: its pickle describes a tensor storage with a malformed persistent id.");
    const DType dtype = type.global->storageType;

    const auto known = storagesByKey_.find(key.text);
    if (known != storagesByKey_.end()) {
        if (known->second.dtype != dtype || known->second.numel != static_cast<std::uint64_t>(numel.integer))
            fail("cannot be read: its pickle describes storage " + known->second.entryName +
                 " twice, with different types or sizes.");
        Value *value = make(Value::Kind::Storage);
        value->storage = &known->second;
        return value;
    }

    Storage storage;
    storage.entryName = folder_ + "data/" + key.text;
    storage.dtype = dtype;
    storage.numel = static_cast<std::uint64_t>(numel.integer);
    const std::optional<ZipArchive::Entry> entry = archive_.find(storage.entryName);
    if (!entry)
        fail("cannot be read: its storage entry " + storage.entryName +
             " is missing from the archive; the file may be incomplete.");
    const std::string_view bytes = archive_.storedData(*entry);
    std::uint64_t expectedBytes = 0;
    if (!multiplyWithin(storage.numel, dtypeSize(dtype), std::numeric_limits<std::uint64_t>::max(), expectedBytes) ||
        bytes.size() != expectedBytes)
        fail("cannot be read: its storage entry " + storage.entryName + " holds " + std::to_string(bytes.size()) +
             " bytes, but the pickle describes " + std::to_string(storage.numel) + " elements of " +
             dtypeName(dtype) + ".");
    storage.dataOffset = entry->dataOffset;
    storage.sizeBytes = bytes.size();

    Value *value = make(Value::Kind::Storage);
    value->storage = &storagesByKey_.emplace(key.text, std::move(storage)).first->second;
    return value;
}

const Value &RestrictedUnpickler::load()
{
    if (pickle_.empty() || static_cast<Opcode>(pickle_[0]) != Opcode::Proto)
        fail("cannot be read: its pickle (" + folder_ + "data.pkl) does not start with a protocol 2 to 5 header.");

    for (;;) {
        opcodePosition_ = position_;
        if (position_ >= pickle_.size())
            damaged("the pickle ends without a STOP instruction; the file may be truncated");
        const auto opcode = static_cast<Opcode>(takeByte());
        switch (opcode) {
        case Opcode::Proto: {
            const unsigned version = takeByte();
            if (version < 2 || version > 5)
                fail("cannot be read: its pickle uses protocol " + std::to_string(version) +
                     "; only protocols 2 to 5 are supported.");
            break;
        }
        case Opcode::Frame: {
            // Protocol 4 framing only groups opcodes for buffered reading; the content is read on.
            const std::uint64_t frameSize = takeLittleEndian(8);
            if (frameSize > pickle_.size() - position_)
                damaged("a frame runs past the end of the pickle; the file may be truncated");
            break;
        }
        case Opcode::Stop:
            return *pop();
        case Opcode::Mark:
            marks_.push_back(stack_.size());
            break;
        case Opcode::Pop:
            if (stack_.size() > markBase())
                stack_.pop_back();
            else
                popMark(); // a POP right after MARK discards the mark, as in CPython
            break;
        case Opcode::PopMark:
            popMark();
            break;
        case Opcode::Dup:
            push(top());
            break;
        case Opcode::EmptyDict:
            push(make(Value::Kind::Dict));
            break;
        case Opcode::EmptyList:
            push(make(Value::Kind::List));
            break;
        case Opcode::EmptyTuple:
            push(make(Value::Kind::Tuple));
            break;
        case Opcode::Tuple: {
            Value *tuple = make(Value::Kind::Tuple);
            tuple->items = popMark();
            push(tuple);
            break;
        }
        case Opcode::Tuple1:
            push(popTuple(1));
            break;
        case Opcode::Tuple2:
            push(popTuple(2));
            break;
        case Opcode::Tuple3:
            push(popTuple(3));
            break;
        case Opcode::BinInt:
            push(makeInt(static_cast<std::int32_t>(static_cast<std::uint32_t>(takeLittleEndian(4)))));
            break;
        case Opcode::BinInt1:
            push(makeInt(takeByte()));
            break;
        case Opcode::BinInt2:
            push(makeInt(static_cast<std::int64_t>(takeLittleEndian(2))));
            break;
        case Opcode::Long1: {
            // A little-endian two's complement integer of up to 255 bytes; 8 cover every size,
            // offset and count a checkpoint can hold.
            const unsigned byteCount = takeByte();
            if (byteCount > 8)
                fail("cannot be read: its pickle holds an integer wider than 64 bits at byte " +
                     std::to_string(opcodePosition_) + ".");
            std::uint64_t bits = takeLittleEndian(static_cast<int>(byteCount));
            if (byteCount > 0 && byteCount < 8 && (bits >> (8 * byteCount - 1)) & 1)
                bits |= ~std::uint64_t(0) << (8 * byteCount);
            std::int64_t integer = 0;
            std::memcpy(&integer, &bits, sizeof integer);
            push(makeInt(integer));
            break;
        }
        case Opcode::BinFloat: {
            const std::string_view bytes = take(8); // big-endian IEEE 754 double
            std::uint64_t bits = 0;
            for (char byte : bytes)
                bits = (bits << 8) | static_cast<std::uint8_t>(byte);
            Value *value = make(Value::Kind::Float);
            std::memcpy(&value->real, &bits, sizeof value->real);
            push(value);
            break;
        }
        case Opcode::None:
            push(make(Value::Kind::None));
            break;
        case Opcode::NewTrue:
        case Opcode::NewFalse: {
            Value *value = make(Value::Kind::Bool);
            value->integer = opcode == Opcode::NewTrue ? 1 : 0;
            push(value);
            break;
        }
        case Opcode::ShortBinUnicode:
            push(makeString(Value::Kind::String, takeByte()));
            break;
        case Opcode::BinUnicode:
            push(makeString(Value::Kind::String, takeLittleEndian(4)));
            break;
        case Opcode::BinUnicode8:
            push(makeString(Value::Kind::String, takeLittleEndian(8)));
            break;
        case Opcode::ShortBinString:
            // Python 2 byte strings; torch.load decodes them as UTF-8 text.
            push(makeString(Value::Kind::String, takeByte()));
            break;
        case Opcode::BinString: {
            const auto length = static_cast<std::int32_t>(static_cast<std::uint32_t>(takeLittleEndian(4)));
            if (length < 0)
                damaged("a BINSTRING has a negative length");
            push(makeString(Value::Kind::String, static_cast<std::uint64_t>(length)));
            break;
        }
        case Opcode::ShortBinBytes:
            push(makeString(Value::Kind::Bytes, takeByte()));
            break;
        case Opcode::BinBytes:
            push(makeString(Value::Kind::Bytes, takeLittleEndian(4)));
            break;
        case Opcode::BinPut:
            remember(takeByte(), top());
            break;
        case Opcode::LongBinPut:
            remember(takeLittleEndian(4), top());
            break;
        case Opcode::Memoize:
            remember(memo_.size(), top());
            break;
        case Opcode::BinGet:
        case Opcode::LongBinGet: {
            const std::uint64_t index = opcode == Opcode::BinGet ? takeByte() : takeLittleEndian(4);
            const auto found = memo_.find(index);
            if (found == memo_.end())
                damaged("memo slot " + std::to_string(index) + " is read before anything is stored in it");
            push(found->second);
            break;
        }
        case Opcode::Global: {
            const std::string module = takeLine();
            const std::string name = takeLine();
            push(allowedGlobal(module, name));
            break;
        }
        case Opcode::StackGlobal: {
            const Value *name = pop();
            const Value *module = pop();
            if (module->kind != Value::Kind::String || name->kind != Value::Kind::String)
                damaged("STACK_GLOBAL needs a module and a name string");
            push(allowedGlobal(module->text, name->text));
            break;
        }
        case Opcode::Reduce: {
            const Value *arguments = pop();
            const Value *callable = pop();
            push(call(*callable, *arguments));
            break;
        }
        case Opcode::NewObj: {
            // cls.__new__(cls, *args): only an empty OrderedDict is a plausible checkpoint object.
            const Value *arguments = pop();
            const Value *type = pop();
            if (type->kind == Value::Kind::Global && type->global->role == GlobalRole::OrderedDict &&
                arguments->kind == Value::Kind::Tuple && arguments->items.empty()) {
                push(make(Value::Kind::Dict));
                break;
            }
            fail("cannot be read: its pickle creates " +
                 (type->kind == Value::Kind::Global ? "a " + globalName(*type->global) + " object"
                                                    : std::string(describeKind(type->kind))) +
                 " with NEWOBJ, which a checkpoint does not do.");
        }
        case Opcode::Build: {
            // state_dict() results carry a _metadata attribute (module versions) that torch.save
            // writes as the OrderedDict's state; it does not matter for the tensors.
            const Value *state = pop();
            const Value *target = top();
            if (target->kind != Value::Kind::Dict ||
                (state->kind != Value::Kind::Dict && state->kind != Value::Kind::None))
                fail("cannot be read: its pickle sets the state of " + std::string(describeKind(target->kind)) +
                     " to " + describeKind(state->kind) + ", which a checkpoint does not do.");
            break;
        }
        case Opcode::SetItem: {
            Value *value = pop();
            Value *key = pop();
            topContainer(Value::Kind::Dict, "SETITEM")->entries.emplace_back(key, value);
            break;
        }
        case Opcode::SetItems: {
            const std::vector<Value *> items = popMark();
            if (items.size() % 2 != 0)
                damaged("SETITEMS has a key without a value");
            Value *dict = topContainer(Value::Kind::Dict, "SETITEMS");
            for (std::size_t i = 0; i < items.size(); i += 2)
                dict->entries.emplace_back(items[i], items[i + 1]);
            break;
        }
        case Opcode::Append: {
            Value *value = pop();
            topContainer(Value::Kind::List, "APPEND")->items.push_back(value);
            break;
        }
        case Opcode::Appends: {
            const std::vector<Value *> items = popMark();
            Value *list = topContainer(Value::Kind::List, "APPENDS");
            list->items.insert(list->items.end(), items.begin(), items.end());
            break;
        }
        case Opcode::BinPersId: {
            const Value *persistentId = pop();
            push(loadStorage(*persistentId));
            break;
        }
        default:
            fail("cannot be read: its pickle uses opcode " + describeOpcode(static_cast<std::uint8_t>(opcode)) +
                 " at byte " + std::to_string(opcodePosition_) + ", which a PyTorch checkpoint does not contain.");
        }
    }
}

// torch.save before PyTorch 1.6 wrote a bare pickle stream starting with a pickled magic number
// (and before that, a tar file); GeoLens reads only the zip format.
void refuseNonZipFormats(const MappedFile &file)
{
    static const std::uint8_t LegacyMagic[] = {0x80, 0x02, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c,
                                               0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    const std::uint8_t *data = file.data();
    const std::uint64_t size = file.size();
    const bool legacyPickle = size >= sizeof LegacyMagic && std::memcmp(data, LegacyMagic, sizeof LegacyMagic) == 0;
    const bool legacyTar = size >= 262 && std::memcmp(data + 257, "ustar", 5) == 0;
    if (legacyPickle || legacyTar)
        throw FileError(file.path(), "is a PyTorch checkpoint in the legacy format (written before PyTorch 1.6 or "
                                     "with _use_new_zipfile_serialization=False), which cannot be read; load it "
                                     "in Python and save it again with torch.save.");
    if (size >= 2 && static_cast<Opcode>(data[0]) == Opcode::Proto && data[1] <= 5)
        throw FileError(file.path(), "is a bare pickle file, not a torch.save checkpoint archive.");
}

// torch.save puts every entry under one folder ("archive", or in older versions the file's stem).
std::string findArchiveFolder(const ZipArchive &archive)
{
    constexpr std::string_view PickleName = "data.pkl";
    std::vector<std::string> folders;
    for (const std::string &name : archive.names()) {
        const std::size_t slash = name.find('/');
        if (slash != std::string::npos && slash > 0 && name.compare(slash + 1, std::string::npos, PickleName) == 0)
            folders.push_back(name.substr(0, slash + 1));
    }
    if (folders.empty())
        throw FileError(archive.path(), "is a zip archive but not a torch.save checkpoint: it has no data.pkl entry.");
    if (folders.size() > 1)
        throw FileError(archive.path(), "holds more than one data.pkl (in " + folders[0] + " and " + folders[1] +
                                            "), so it is not a single torch.save checkpoint.");
    return folders.front();
}

// Storages are raw bytes in the byte order of the machine that saved them; newer PyTorch
// versions record it, older ones were all little-endian in practice.
void checkByteOrder(const ZipArchive &archive, const std::string &folder)
{
    const std::optional<ZipArchive::Entry> entry = archive.find(folder + "byteorder");
    if (!entry)
        return;
    std::string order(archive.storedData(*entry));
    while (!order.empty() && (order.back() == '\n' || order.back() == '\r' || order.back() == ' '))
        order.pop_back();
    if (order == "big")
        throw FileError(archive.path(), "stores its tensors big-endian (its byteorder record says \"big\"); only "
                                        "little-endian checkpoints can be read.");
    if (order != "little")
        throw FileError(archive.path(), "has an unknown byte order \"" + order.substr(0, 16) +
                                            "\" in its byteorder record.");
}

} // namespace

TensorMap readPytorchCheckpoint(const std::string &path)
{
    const std::shared_ptr<const MappedFile> file = MappedFile::open(path);
    refuseNonZipFormats(*file);
    const ZipArchive archive(file);
    const std::string folder = findArchiveFolder(archive);
    checkByteOrder(archive, folder);

    const std::optional<ZipArchive::Entry> pickleEntry = archive.find(folder + "data.pkl");
    RestrictedUnpickler unpickler(archive, folder, archive.storedData(*pickleEntry));
    const Value &root = unpickler.load();
    if (root.kind != Value::Kind::Dict)
        throw FileError(path, "does not hold a dictionary of tensors: its top-level object is " +
                                  std::string(describeKind(root.kind)) + ".");

    TensorMap tensors;
    for (const auto &[key, value] : root.entries) {
        if (value->kind != Value::Kind::Tensor)
            continue; // e.g. an epoch counter saved beside the weights
        if (key->kind != Value::Kind::String)
            throw FileError(path, "cannot be read: it holds a tensor under " + std::string(describeKind(key->kind)) +
                                      " key; tensor names must be strings.");
        TensorInfo tensor = *value->tensor;
        tensor.name = key->text;
        tensors[key->text] = std::move(tensor); // a repeated key replaces the earlier value, as in Python
    }
    return tensors;
}

} // namespace geolens
