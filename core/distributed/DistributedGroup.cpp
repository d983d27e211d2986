#include "distributed/DistributedGroup.h"

#include "common/Error.h"

#include <torch/torch.h>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#ifdef GEOLENS_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef GEOLENS_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>
#include <map>
#include <utility>

namespace geolens {

namespace {

// Buckets of about this size keep a 7B model's gradients to a few hundred collectives, each
// large enough to reach the link's bandwidth.
constexpr std::int64_t BucketBytes = 25 << 20;

// Since LibTorch 2.0 Gloo and NCCL are backends behind a ProcessGroup, no longer process groups
// themselves; a backend alone carries the collectives used here, with the same signatures.
#if TORCH_VERSION_MAJOR >= 2
using CollectiveGroup = c10d::Backend;
#else
using CollectiveGroup = c10d::ProcessGroup;
#endif

std::string firstLine(const std::string &text)
{
    return text.substr(0, text.find('\n'));
}

bool isLoopback(const std::string &address)
{
    return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1";
}

} // namespace

struct DistributedGroup::Impl {
    c10::intrusive_ptr<c10d::Store> store;
    c10::intrusive_ptr<CollectiveGroup> cpuGroup;  // Gloo: small host collectives, CPU tensors
    c10::intrusive_ptr<CollectiveGroup> cudaGroup; // NCCL when built in: CUDA tensors
    std::string description;                          // "rank 1 of 2"

    [[noreturn]] void fail(const std::string &what, const std::exception &e) const
    {
        throw Error("The distributed job lost contact between its ranks during " + what + " (" + description +
                    ": " + firstLine(e.what()) +
                    "). Another rank has probably stopped or hangs; its own output says why.");
    }

    void wait(const c10::intrusive_ptr<c10d::Work> &work, const std::string &what) const
    {
        try {
            work->wait();
        } catch (const std::exception &e) {
            fail(what, e);
        }
    }

    void reduce(std::vector<double> &values, c10d::ReduceOp op, const std::string &what) const
    {
        if (values.empty())
            return;
        std::vector<at::Tensor> tensors{torch::tensor(values, torch::kDouble)};
        c10d::AllreduceOptions options;
        options.reduceOp = op;
        wait(cpuGroup->allreduce(tensors, options), what);
        const double *data = tensors[0].data_ptr<double>();
        values.assign(data, data + values.size());
    }
};

DistributedGroup::DistributedGroup() : impl_(std::make_unique<Impl>()) {}

DistributedGroup::DistributedGroup(const LaunchEnvironment &environment, const DistributedOptions &options)
    : environment_(environment), impl_(std::make_unique<Impl>())
{
    if (!environment.distributed())
        return;
    impl_->description = "rank " + std::to_string(environment.rank) + " of " + std::to_string(environment.worldSize);
    const std::string where = environment.masterAddress + ":" + std::to_string(environment.masterPort);
    try {
        c10d::TCPStoreOptions storeOptions;
        storeOptions.port = static_cast<std::uint16_t>(environment.masterPort);
        storeOptions.timeout = options.timeout;
        if (environment.agentStore) {
            // torchrun's agent serves the store; its workers are clients under the attempt's prefix.
            storeOptions.isServer = false;
            auto agent = c10::make_intrusive<c10d::TCPStore>(environment.masterAddress, storeOptions);
            impl_->store = c10::make_intrusive<c10d::PrefixStore>(
                "/worker/attempt_" + std::to_string(environment.restartCount), agent);
        } else {
            storeOptions.isServer = environment.isRoot();
            storeOptions.numWorkers = environment.worldSize;
            storeOptions.waitWorkers = true;
            impl_->store = c10::make_intrusive<c10d::TCPStore>(environment.masterAddress, storeOptions);
        }
    } catch (const std::exception &e) {
        throw Error("Rank " + std::to_string(environment.rank) + " could not join the job's rendezvous at " + where +
                    " (" + firstLine(e.what()) + "). Check MASTER_ADDR and MASTER_PORT, and that rank 0 is running.");
    }
#ifdef GEOLENS_WITH_GLOO
    try {
        auto glooOptions = c10d::ProcessGroupGloo::Options::create();
        glooOptions->timeout = options.timeout;
        if (const char *interface = std::getenv("GLOO_SOCKET_IFNAME"); interface && *interface)
            glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(interface));
        else if (isLoopback(environment.masterAddress))
            glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
        else
            glooOptions->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
        impl_->cpuGroup = c10::make_intrusive<c10d::ProcessGroupGloo>(
            c10::make_intrusive<c10d::PrefixStore>("geolens/gloo", impl_->store), environment.rank,
            environment.worldSize, glooOptions);
    } catch (const Error &) {
        throw;
    } catch (const std::exception &e) {
        throw Error("Rank " + std::to_string(environment.rank) + " could not connect to the other ranks through Gloo (" +
                    firstLine(e.what()) + ").");
    }
#else
    throw Error("This GeoLens was built against a LibTorch without the Gloo backend, so it cannot run as one of " +
                std::to_string(environment.worldSize) + " ranks; rebuild it with Gloo's headers installed.");
#endif
#ifdef GEOLENS_WITH_NCCL
    if (options.tensorBackend != "gloo" && torch::cuda::is_available()) {
        try {
            auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
            ncclOptions->timeout = options.timeout;
            impl_->cudaGroup = c10::make_intrusive<c10d::ProcessGroupNCCL>(
                c10::make_intrusive<c10d::PrefixStore>("geolens/nccl", impl_->store), environment.rank,
                environment.worldSize, ncclOptions);
        } catch (const std::exception &e) {
            throw Error("Rank " + std::to_string(environment.rank) + " could not set up NCCL (" + firstLine(e.what()) +
                        ").");
        }
    }
#else
    if (options.tensorBackend == "nccl")
        throw Error("The NCCL backend was asked for, but this GeoLens was built against a LibTorch without it.");
#endif
}

DistributedGroup::~DistributedGroup() = default;
DistributedGroup::DistributedGroup(DistributedGroup &&) noexcept = default;
DistributedGroup &DistributedGroup::operator=(DistributedGroup &&) noexcept = default;

void DistributedGroup::barrier(const std::string &what)
{
    if (!distributed())
        return;
    std::vector<double> nothing{0.0};
    allReduceSum(nothing, what);
}


void DistributedGroup::allReduceSum(std::vector<double> &values, const std::string &what)
{
    if (distributed())
        impl_->reduce(values, c10d::ReduceOp::SUM, what);
}

void DistributedGroup::allReduceMax(std::vector<double> &values, const std::string &what)
{
    if (distributed())
        impl_->reduce(values, c10d::ReduceOp::MAX, what);
}

bool DistributedGroup::anyRank(bool value, const std::string &what)
{
    std::vector<double> flag{value ? 1.0 : 0.0};
    allReduceMax(flag, what);
    return flag[0] > 0.0;
}

std::vector<std::string> DistributedGroup::gatherToRoot(const std::string &payload, const std::string &key)
{
    if (!distributed())
        return {payload};
    const std::string prefix = "geolens/data/" + key + "/";
    try {
        if (!isRoot()) {
            impl_->store->set(prefix + std::to_string(rank()), std::vector<std::uint8_t>(payload.begin(), payload.end()));
            return {};
        }
        std::vector<std::string> all{payload};
        for (int r = 1; r < worldSize(); ++r) {
            const std::string name = prefix + std::to_string(r);
            const std::vector<std::uint8_t> bytes = impl_->store->get(name);
            all.emplace_back(bytes.begin(), bytes.end());
            impl_->store->deleteKey(name);
        }
        return all;
    } catch (const std::exception &e) {
        impl_->fail("the exchange of " + key, e);
    }
}

std::string DistributedGroup::broadcastFromRoot(const std::string &payload, const std::string &key)
{
    if (!distributed())
        return payload;
    const std::string name = "geolens/data/" + key;
    try {
        if (isRoot()) {
            impl_->store->set(name, std::vector<std::uint8_t>(payload.begin(), payload.end()));
            return payload;
        }
        const std::vector<std::uint8_t> bytes = impl_->store->get(name);
        return std::string(bytes.begin(), bytes.end());
    } catch (const std::exception &e) {
        impl_->fail("the exchange of " + key, e);
    }
}

void DistributedGroup::allReduceTensors(const std::vector<at::Tensor> &tensors, const std::string &what)
{
    if (!distributed() || tensors.empty())
        return;
    torch::NoGradGuard noGrad;
    // Buckets of tensors of one device and type, in the order given, so every rank builds the same.
    struct Bucket {
        std::vector<std::size_t> members;
        std::int64_t bytes = 0;
    };
    std::vector<Bucket> buckets;
    std::map<std::pair<std::string, int>, std::size_t> open; // (device, dtype) -> its open bucket
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const at::Tensor &t = tensors[i];
        const auto kind = std::make_pair(t.device().str(), static_cast<int>(t.scalar_type()));
        const std::int64_t bytes = t.numel() * static_cast<std::int64_t>(t.element_size());
        auto found = open.find(kind);
        if (found == open.end() || buckets[found->second].bytes + bytes > BucketBytes) {
            buckets.emplace_back();
            found = open.insert_or_assign(kind, buckets.size() - 1).first;
        }
        buckets[found->second].members.push_back(i);
        buckets[found->second].bytes += bytes;
    }
    std::vector<std::vector<at::Tensor>> flats;
    std::vector<c10::intrusive_ptr<c10d::Work>> works;
    for (const Bucket &bucket : buckets) {
        std::vector<at::Tensor> parts;
        for (std::size_t i : bucket.members)
            parts.push_back(tensors[i].reshape({-1}));
        at::Tensor flat = torch::cat(parts);
        CollectiveGroup *group = impl_->cpuGroup.get();
        if (flat.is_cuda() && impl_->cudaGroup) {
            group = impl_->cudaGroup.get();
        } else {
            // Gloo reduces host memory, and half-precision types in float32 so no sum loses bits.
            flat = flat.to(torch::kCPU, flat.is_floating_point() && flat.element_size() < 4 ? torch::kFloat32
                                                                                             : flat.scalar_type());
        }
        flats.push_back({flat});
        works.push_back(group->allreduce(flats.back()));
    }
    for (const auto &work : works)
        impl_->wait(work, what);
    for (std::size_t b = 0; b < buckets.size(); ++b) {
        std::int64_t offset = 0;
        const at::Tensor &flat = flats[b][0];
        for (std::size_t i : buckets[b].members) {
            const at::Tensor &t = tensors[i];
            t.copy_(flat.slice(0, offset, offset + t.numel()).view(t.sizes()));
            offset += t.numel();
        }
    }
}

} // namespace geolens
