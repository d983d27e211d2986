#include "TileClassifierRunWindow.h"

#include "CliProgram.h"
#include "LossPlotWidget.h"
#include "MetricsLog.h"

#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTimer>
#include <QVBoxLayout>

namespace geolens {

namespace {

// Lines of a file (records of a JSON-lines table); 0 when it does not exist.
int lineCount(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    return static_cast<int>(file.readAll().count('\n'));
}

} // namespace

TileClassifierRunWindow::TileClassifierRunWindow(QWidget *parent)
    : QWidget(parent), cliPath_(geolensCliPath()), poll_(new QTimer(this)), metrics_(new MetricsLog(this))
{
    setWindowTitle(tr("Tile Classifier Run"));
    resize(900, 700);
    auto *layout = new QVBoxLayout(this);
    stepLabel_ = new QLabel(this);
    stepLabel_->setObjectName(QStringLiteral("step"));
    stepLabel_->setWordWrap(true);
    layout->addWidget(stepLabel_);
    auto *row = new QHBoxLayout;
    progress_ = new QProgressBar(this);
    row->addWidget(progress_, 1);
    stop_ = new QPushButton(tr("Stop"), this);
    stop_->setToolTip(tr("End the running step; Resume goes on where it stopped"));
    resume_ = new QPushButton(tr("Resume"), this);
    resume_->setToolTip(tr("Run the steps again: what is done is kept"));
    label_ = new QPushButton(tr("Label Tiles"), this);
    label_->setObjectName(QStringLiteral("labelTiles"));
    label_->setToolTip(tr("Label the map's tiles with the best classifier so far"));
    for (QPushButton *b : {stop_, resume_, label_})
        row->addWidget(b);
    layout->addLayout(row);
    auto *split = new QSplitter(Qt::Vertical, this);
    plot_ = new LossPlotWidget(split);
    plot_->setMetricsLog(metrics_);
    log_ = new QPlainTextEdit(split);
    log_->setReadOnly(true);
    log_->setObjectName(QStringLiteral("log"));
    split->addWidget(plot_);
    split->addWidget(log_);
    split->setStretchFactor(0, 3);
    layout->addWidget(split, 1);

    poll_->setInterval(500);
    connect(poll_, &QTimer::timeout, this, &TileClassifierRunWindow::updateProgress);
    connect(stop_, &QPushButton::clicked, this, &TileClassifierRunWindow::stop);
    connect(resume_, &QPushButton::clicked, this, [this] {
        if (!isRunning() && !commands_.isEmpty())
            runStep(0);
    });
    connect(label_, &QPushButton::clicked, this, [this] { emit labelTilesRequested(classifierFolder()); });
    stop_->setEnabled(false);
    resume_->setEnabled(false);
    label_->setEnabled(false);
}

TileClassifierRunWindow::~TileClassifierRunWindow()
{
    // A step left running would go on without its window: it is ended, and resumes next time.
    if (process_) {
        process_->disconnect(this);
        process_->terminate();
        if (!process_->waitForFinished(5000))
            process_->kill();
    }
}

bool TileClassifierRunWindow::start(const QList<QStringList> &commands, const QString &targets, const QString &runDir)
{
    if (isRunning()) {
        error_ = tr("A run is going; stop it first.");
        return false;
    }
    if (cliPath_.isEmpty()) {
        error_ = tr("geolens-cli was not found next to this application or on PATH.");
        return false;
    }
    commands_ = commands;
    targets_ = targets;
    runDir_ = runDir;
    epochs_ = 0;
    for (const QStringList &c : commands)
        if (c.value(0) == QLatin1String("train-classifier") && c.contains(QStringLiteral("--epochs")))
            epochs_ = c.value(c.indexOf(QStringLiteral("--epochs")) + 1).toInt();
    log_->clear();
    metrics_->setPath(runDir_ + QStringLiteral("/metrics.jsonl"));
    runStep(0);
    return true;
}

void TileClassifierRunWindow::runStep(int index)
{
    step_ = index;
    stopping_ = false;
    const QStringList &args = commands_.at(index);
    const bool teacherPass = args.value(0) == QLatin1String("aspects");
    stepLabel_->setText(teacherPass ? tr("Step %1 of %2: the teacher judges every tile").arg(index + 1).arg(commands_.size())
                                    : tr("Step %1 of %2: the classifier learns").arg(index + 1).arg(commands_.size()));
    process_ = new QProcess(this);
    process_->setProcessChannelMode(QProcess::MergedChannels);
    connect(process_, &QProcess::readyRead, this, [this] {
        // Whole lines only: a message may come in pieces.
        while (process_->canReadLine())
            log_->appendPlainText(QString::fromUtf8(process_->readLine()).trimmed());
    });
    connect(process_, &QProcess::finished, this, &TileClassifierRunWindow::stepEnded);
    log_->appendPlainText(QStringLiteral("$ geolens-cli ") + args.join(QLatin1Char(' ')));
    process_->start(cliPath_, args);
    stop_->setEnabled(true);
    resume_->setEnabled(false);
    poll_->start();
    updateProgress();
}

void TileClassifierRunWindow::updateProgress()
{
    if (step_ < 0 || step_ >= commands_.size())
        return;
    if (commands_.at(step_).value(0) == QLatin1String("aspects")) {
        // The tiles done so far; the total is the process's to know, so the bar only moves.
        progress_->setRange(0, 0);
        progress_->setFormat(QString());
        stepLabel_->setToolTip(tr("%n tile(s) judged", nullptr, lineCount(targets_ + QStringLiteral("/targets.jsonl"))));
    } else {
        int epoch = 0;
        QFile file(runDir_ + QStringLiteral("/metrics.jsonl"));
        if (file.open(QIODevice::ReadOnly))
            for (const QByteArray &line : file.readAll().split('\n'))
                if (line.contains("\"val_accuracy\""))
                    ++epoch;
        progress_->setRange(0, std::max(1, epochs_));
        progress_->setValue(std::min(epoch, std::max(1, epochs_)));
        progress_->setFormat(tr("epoch %v of %m"));
    }
    label_->setEnabled(QFileInfo::exists(classifierFolder() + QStringLiteral("/classifier.json")));
}

void TileClassifierRunWindow::stepEnded(int exitCode, QProcess::ExitStatus status)
{
    if (const QString rest = QString::fromUtf8(process_->readAll()).trimmed(); !rest.isEmpty())
        log_->appendPlainText(rest);
    process_->deleteLater();
    process_ = nullptr;
    const bool ok = status == QProcess::NormalExit && exitCode == 0;
    updateProgress();
    if (ok && step_ + 1 < commands_.size()) {
        runStep(step_ + 1);
        return;
    }
    poll_->stop();
    stop_->setEnabled(false);
    resume_->setEnabled(!ok);
    progress_->setRange(0, 1);
    progress_->setValue(ok ? 1 : 0);
    progress_->setFormat(QString());
    stepLabel_->setText(ok ? tr("Done: the classifier is in %1.").arg(classifierFolder())
                           : stopping_ ? tr("Stopped. Resume goes on where it stopped.")
                                       : tr("Step %1 failed; its messages are below.").arg(step_ + 1));
    emit finished(ok);
}

void TileClassifierRunWindow::stop()
{
    if (!process_)
        return;
    stopping_ = true;
    process_->terminate();
}

bool TileClassifierRunWindow::isRunning() const
{
    return process_ != nullptr;
}

QString TileClassifierRunWindow::classifierFolder() const
{
    return runDir_ + QStringLiteral("/classifier");
}

QString TileClassifierRunWindow::log() const
{
    return log_->toPlainText();
}

} // namespace geolens
