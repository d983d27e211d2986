#include "GpuInventory.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>
#include <QTimer>

namespace geolens {

namespace {

QString gib(double mib)
{
    if (mib < 1024.0)
        return QString::number(mib, 'f', 0) + QStringLiteral(" MiB");
    return QString::number(mib / 1024.0, 'f', 1) + QStringLiteral(" GiB");
}

// A memory field: a number of MiB, or nothing known ("[N/A]", "[Not Supported]").
bool memoryField(const QString &field, double *mib)
{
    const QString text = field.trimmed();
    if (text.startsWith(QLatin1Char('['))) {
        *mib = -1.0;
        return true;
    }
    bool ok = false;
    const double value = text.toDouble(&ok);
    if (!ok || value < 0)
        return false;
    *mib = value;
    return true;
}

// The line that says what went wrong: nvidia-smi writes some failures to stdout, others to stderr.
QString firstLine(const QByteArray &a, const QByteArray &b)
{
    for (const QByteArray &bytes : {a, b})
        for (const QByteArray &line : bytes.split('\n'))
            if (!line.trimmed().isEmpty())
                return QString::fromLocal8Bit(line.trimmed());
    return {};
}

} // namespace

QString GpuInfo::device() const
{
    return QStringLiteral("cuda:%1").arg(index);
}

QString GpuInfo::displayText() const
{
    QString text = device() + QStringLiteral(" — ") + name;
    if (freeMiB >= 0 && totalMiB >= 0)
        text += GpuInventory::tr(", %1 free of %2").arg(gib(freeMiB), gib(totalMiB));
    else if (totalMiB >= 0)
        text += QStringLiteral(", ") + gib(totalMiB);
    return text;
}

GpuInventory::GpuInventory(QObject *parent)
    : QObject(parent), program_(QStringLiteral("nvidia-smi")), timer_(new QTimer(this))
{
    timer_->setSingleShot(true);
    connect(timer_, &QTimer::timeout, this, &GpuInventory::timedOut);
}

GpuInventory::~GpuInventory()
{
    dropProcess();
}

void GpuInventory::setProgram(const QString &program)
{
    program_ = program;
}

void GpuInventory::dropProcess()
{
    timer_->stop();
    if (!process_)
        return;
    QProcess *p = process_;
    process_ = nullptr;
    p->disconnect(this);
    if (p->state() != QProcess::NotRunning) {
        // Killed and reaped in the background, so that neither a hung driver nor the wait for it
        // holds up the GUI.
        connect(p, &QProcess::finished, p, &QObject::deleteLater);
        p->kill();
        p->setParent(nullptr);
    } else {
        p->deleteLater();
    }
}

void GpuInventory::refresh()
{
    dropProcess();
    ready_ = false;
    gpus_.clear();
    error_.clear();
    process_ = new QProcess(this);
    process_->setProgram(program_);
    process_->setArguments({QStringLiteral("--query-gpu=index,name,memory.total,memory.free"),
                            QStringLiteral("--format=csv,noheader,nounits")});
    process_->setStandardInputFile(QProcess::nullDevice());
    connect(process_, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { processEnded(code, static_cast<int>(status)); });
    connect(process_, &QProcess::errorOccurred, this,
            [this](QProcess::ProcessError error) { processFailed(static_cast<int>(error)); });
    timer_->start(timeoutMs_);
    process_->start();
}

void GpuInventory::processFailed(int error)
{
    // Crashes and timeouts also end in finished(); only a process that never ran ends here.
    if (static_cast<QProcess::ProcessError>(error) != QProcess::FailedToStart || !process_)
        return;
    const QString reason = process_->errorString();
    dropProcess();
    const bool found = QFileInfo(program_).isAbsolute() || program_.contains(QLatin1Char('/'))
                           ? QFileInfo::exists(program_)
                           : !QStandardPaths::findExecutable(program_).isEmpty();
    conclude({}, found ? tr("%1 could not be started: %2").arg(program_, reason) : tr("%1 not found").arg(program_));
}

void GpuInventory::processEnded(int exitCode, int exitStatus)
{
    if (!process_)
        return;
    const QByteArray out = process_->readAllStandardOutput();
    const QByteArray err = process_->readAllStandardError();
    dropProcess();
    if (static_cast<QProcess::ExitStatus>(exitStatus) != QProcess::NormalExit) {
        conclude({}, tr("%1 crashed").arg(program_));
        return;
    }
    if (exitCode != 0) {
        const QString line = firstLine(err, out);
        conclude({}, line.isEmpty() ? tr("%1 failed with exit code %2").arg(program_).arg(exitCode)
                                    : tr("%1 failed (exit code %2): %3").arg(program_).arg(exitCode).arg(line));
        return;
    }
    const QList<GpuInfo> gpus = parse(QString::fromLocal8Bit(out));
    conclude(gpus, gpus.isEmpty() ? tr("%1 lists no GPU").arg(program_) : QString());
}

void GpuInventory::timedOut()
{
    if (!process_)
        return;
    dropProcess();
    conclude({}, tr("%1 did not answer within %2 s").arg(program_).arg(timeoutMs_ / 1000.0));
}

void GpuInventory::conclude(const QList<GpuInfo> &gpus, const QString &error)
{
    gpus_ = gpus;
    error_ = error;
    ready_ = true;
    emit finished();
}

std::optional<GpuInfo> GpuInventory::find(const QString &device) const
{
    const QString d = device.trimmed();
    if (gpus_.isEmpty())
        return std::nullopt;
    if (d == QLatin1String("auto") || d == QLatin1String("cuda"))
        return gpus_.first();
    if (!d.startsWith(QLatin1String("cuda:")))
        return std::nullopt;
    bool ok = false;
    const int index = d.mid(5).toInt(&ok);
    if (!ok)
        return std::nullopt;
    for (const GpuInfo &gpu : gpus_)
        if (gpu.index == index)
            return gpu;
    return std::nullopt;
}

QList<GpuInfo> GpuInventory::parse(const QString &csv, int *skippedLines)
{
    QList<GpuInfo> gpus;
    int skipped = 0;
    for (const QString &raw : csv.split(QLatin1Char('\n'))) {
        const QString line = raw.trimmed();
        if (line.isEmpty())
            continue;
        QStringList fields = line.split(QLatin1Char(','));
        if (fields.size() < 4) {
            ++skipped;
            continue;
        }
        // A name with a comma in it would split in two: the fields around it are fixed.
        const QString name = fields.mid(1, fields.size() - 3).join(QLatin1Char(',')).trimmed();
        bool ok = false;
        GpuInfo gpu;
        gpu.index = fields.first().trimmed().toInt(&ok);
        if (!ok || gpu.index < 0 || name.isEmpty() || !memoryField(fields.at(fields.size() - 2), &gpu.totalMiB)
            || !memoryField(fields.last(), &gpu.freeMiB)) {
            ++skipped;
            continue;
        }
        gpu.name = name;
        gpus.append(gpu);
    }
    if (skippedLines)
        *skippedLines = skipped;
    return gpus;
}

} // namespace geolens
