#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <optional>

class QProcess;
class QTimer;

namespace geolens {

// One NVIDIA GPU as nvidia-smi reports it; memory in MiB, -1 when nvidia-smi does not know it
// (it prints "[N/A]" for some devices).
struct GpuInfo {
    int index = 0;
    QString name;
    double totalMiB = -1.0;
    double freeMiB = -1.0;

    // "cuda:0": what a run's device setting names it.
    QString device() const;
    // "cuda:0 — NVIDIA H200, 120.5 GiB free of 139.8 GiB".
    QString displayText() const;
};

// The NVIDIA GPUs of this computer with their free memory, from
// `nvidia-smi --query-gpu=index,name,memory.total,memory.free --format=csv,noheader,nounits`.
// Only Qt is used (no LibTorch), so the GUI can list GPUs on a computer whose LibTorch has no CUDA.
//
// The query runs as an asynchronous process so that the GUI never waits for it; a driver that
// hangs is given up on after a timeout. A missing nvidia-smi, a failure or a timeout simply means
// that no GPU is listed, and errorString() says why (for a tooltip).
class GpuInventory : public QObject {
    Q_OBJECT

public:
    explicit GpuInventory(QObject *parent = nullptr);
    // Kills a query still running.
    ~GpuInventory() override;

    // The program asked, "nvidia-smi" by default (looked up on PATH); tests give a script.
    void setProgram(const QString &program);
    QString program() const { return program_; }
    void setTimeout(int milliseconds) { timeoutMs_ = milliseconds; }
    int timeout() const { return timeoutMs_; }

    // Starts a query, dropping one still running; finished() tells when it has answered.
    void refresh();
    bool isQuerying() const { return process_ != nullptr; }
    // Whether a query has answered (successfully or not) since the last refresh().
    bool isReady() const { return ready_; }

    const QList<GpuInfo> &gpus() const { return gpus_; }
    // Why no GPU is listed ("nvidia-smi not found", ...); empty when some are, or while querying.
    QString errorString() const { return error_; }
    // The GPU a device setting runs on: "cuda:N", or "cuda" and "auto", which take the first GPU
    // when there is one. Nothing for "cpu", unknown indices or text that names no device.
    std::optional<GpuInfo> find(const QString &device) const;

    // The GPUs in nvidia-smi's CSV (no header, no units). Lines that do not parse are skipped and
    // counted in *skippedLines.
    static QList<GpuInfo> parse(const QString &csv, int *skippedLines = nullptr);

signals:
    void finished();

private:
    void processEnded(int exitCode, int exitStatus);
    void processFailed(int error);
    void timedOut();
    void conclude(const QList<GpuInfo> &gpus, const QString &error);
    void dropProcess();

    QString program_;
    int timeoutMs_ = 3000;
    QProcess *process_ = nullptr;
    QTimer *timer_;
    QList<GpuInfo> gpus_;
    QString error_;
    bool ready_ = false;
};

} // namespace geolens
