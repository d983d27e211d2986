#include "LossPlotWidget.h"
#include "MetricsLog.h"

#include <qcustomplot.h>

#include <QCheckBox>
#include <QFile>
#include <QListWidget>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <set>

using namespace geolens;
using Kind = MetricsLog::RecordKind;

namespace {

void writeFile(const QString &path, const QByteArray &data, QIODevice::OpenMode mode)
{
    QFile file(path);
    QVERIFY2(file.open(QIODevice::WriteOnly | mode), qPrintable(file.errorString()));
    QCOMPARE(file.write(data), data.size());
}

void append(const QString &path, const QByteArray &data)
{
    writeFile(path, data, QIODevice::Append);
}

void rewrite(const QString &path, const QByteArray &data)
{
    writeFile(path, data, QIODevice::Truncate);
}

QByteArray readAll(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

QByteArray stepLine(int step, double loss, double lr)
{
    return QStringLiteral(R"({"step":%1,"seconds":%2,"lr":%3,"loss":%4,"kd":%4,"rev_kl":%5,"phase":"kd"})")
               .arg(step)
               .arg(step * 0.5)
               .arg(lr)
               .arg(loss)
               .arg(loss / 4)
               .toUtf8() +
           '\n';
}

// Distinct colours in the picture: a blank plot has a handful (background, axes, text).
int distinctColours(const QImage &image)
{
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            colours.insert(image.pixel(x, y) & 0xffffff);
    return static_cast<int>(colours.size());
}

// Pixels close to a colour, to tell that a curve of that colour was drawn.
int pixelsNear(const QImage &image, QColor colour)
{
    int count = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QColor c = image.pixelColor(x, y);
            if (std::abs(c.red() - colour.red()) + std::abs(c.green() - colour.green()) +
                    std::abs(c.blue() - colour.blue()) < 40)
                ++count;
        }
    return count;
}

// A few hundred steps of a run that learns: a noisy decreasing loss, a warm-up then cosine
// learning rate, evaluations every 50 steps.
QByteArray realisticRun(int steps, double scale, unsigned seed)
{
    QByteArray text;
    unsigned state = seed;
    auto noise = [&state] {
        state = state * 1664525u + 1013904223u;
        return ((state >> 8) & 0xffff) / 65535.0 - 0.5;
    };
    for (int step = 1; step <= steps; ++step) {
        const double progress = double(step) / steps;
        const double base = scale * (0.4 + 2.6 * std::exp(-5.0 * progress));
        const double kd = base * (0.7 + 0.25 * noise());
        const double ce = base * (0.3 + 0.12 * noise());
        const double lr = step < 30 ? 2e-4 * step / 30 : 1e-4 * (1 + std::cos(M_PI * (step - 30) / (steps - 30)));
        text += QStringLiteral(R"({"step":%1,"seconds":%2,"lr":%3,"loss":%4,"kd":%5,"ce":%6,"rev_kl":%7,)"
                               R"("student_len":%8,"tokens_per_s":%9,"gpu_mem_gb":%10,"rss_gb":3.1,)"
                               R"("grad_norm":%11,"phase":"kd"})")
                    .arg(step)
                    .arg(step * 1.7)
                    .arg(lr)
                    .arg(kd + ce)
                    .arg(kd)
                    .arg(ce)
                    .arg(base * 0.3 * (1 + 0.3 * noise()))
                    .arg(40 + int(10 * noise()))
                    .arg(2400 + 300 * noise())
                    .arg(21.5 + 0.4 * noise())
                    .arg(1.5 + noise())
                    .toUtf8() +
                '\n';
        if (step % 50 == 0)
            text += QStringLiteral(R"({"step":%1,"seconds":%2,"val_loss":%3,"val_rev_kl":%4})")
                        .arg(step)
                        .arg(step * 1.7 + 3)
                        .arg(base * 0.95)
                        .arg(base * 0.28)
                        .toUtf8() +
                    '\n';
    }
    return text;
}

} // namespace

class LossPlotTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;

    QString path(const char *name) const { return dir_.filePath(QString::fromLatin1(name)); }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        QVERIFY(dir_.isValid());
    }

    void metricsLogFollowsAGrowingFile()
    {
        const QString file = path("follow.jsonl");
        MetricsLog log;
        log.setPollInterval(30);
        QSignalSpy appended(&log, &MetricsLog::appended);
        QSignalSpy reset(&log, &MetricsLog::reset);
        log.setPath(file); // not there yet
        QCOMPARE(log.recordCount(), 0);

        const QByteArray third = stepLine(3, 1.5, 0.003);
        append(file, stepLine(1, 2.5, 0.001) + stepLine(2, 2.0, 0.002) + third.left(20));
        log.refresh();
        QCOMPARE(log.stepRecordCount(), 2);
        QCOMPARE(appended.count(), 1);
        QCOMPARE(appended.takeFirst().at(0).toInt(), 0);
        QCOMPARE(log.points("loss", Kind::Step), (QVector<QPointF>{{1, 2.5}, {2, 2.0}}));
        QCOMPARE(log.points("lr", Kind::Step), (QVector<QPointF>{{1, 0.001}, {2, 0.002}}));
        QVERIFY(!log.hasSeries("phase", Kind::Step)); // strings are not curves
        QVERIFY(!log.hasSeries("step", Kind::Step));
        QCOMPARE(log.badLineCount(), 0);

        // Nothing new: no signal.
        log.refresh();
        QCOMPARE(appended.count(), 0);

        // The rest of the half line, a broken line, an evaluation and a skipped step with a
        // non-finite (null) loss term; found by the watcher or the poll, not by a call.
        append(file, third.mid(20) + "{\"step\": 4, \"loss\": \n" +
                         R"({"step":3,"seconds":2,"val_loss":1.75,"val_rev_kl":0.4})" "\n" +
                         R"({"step":4,"seconds":2.5,"lr":0.004,"loss":1.25,"kd":null,"phase":"kd","skipped":"non-finite"})" "\n");
        QTRY_COMPARE_WITH_TIMEOUT(log.recordCount(), 5, 3000);
        QCOMPARE(appended.count(), 1);
        QCOMPARE(appended.takeFirst().at(0).toInt(), 2);
        QCOMPARE(log.badLineCount(), 1);
        QCOMPARE(log.stepRecordCount(), 4);
        QCOMPARE(log.evaluationRecordCount(), 1);
        QCOMPARE(log.lastStep(), 4);
        QCOMPARE(log.points("loss", Kind::Step), (QVector<QPointF>{{1, 2.5}, {2, 2.0}, {3, 1.5}, {4, 1.25}}));
        QCOMPARE(log.points("kd", Kind::Step).size(), 3); // the null is left out
        QVERIFY(!log.hasSeries("skipped", Kind::Step));
        QCOMPARE(log.points("val_loss", Kind::Evaluation), (QVector<QPointF>{{3, 1.75}}));
        QVERIFY(!log.hasSeries("val_loss", Kind::Step));
        QVERIFY(!log.hasSeries("loss", Kind::Evaluation));
        QCOMPARE(log.seriesNames(Kind::Evaluation), (QStringList{"seconds", "val_loss", "val_rev_kl"}));
        QCOMPARE(log.bytesRead(), QFileInfo(file).size());
        QCOMPARE(reset.count(), 0);

        // A resume keeps the records up to its checkpoint (step 2) and appends again.
        rewrite(file, stepLine(1, 2.5, 0.001) + stepLine(2, 2.0, 0.002));
        log.refresh();
        QCOMPARE(reset.count(), 1);
        QCOMPARE(log.recordCount(), 2);
        QCOMPARE(log.badLineCount(), 0);
        QCOMPARE(log.lastStep(), 2);
        QVERIFY(!log.hasSeries("val_loss", Kind::Evaluation));
        QCOMPARE(appended.count(), 1);
        QCOMPARE(appended.takeFirst().at(0).toInt(), 0);

        // Rewritten and already longer again than what was read: the size alone does not tell.
        const QByteArray resumed = stepLine(1, 2.5, 0.001) + stepLine(2, 2.0, 0.002) + stepLine(3, 1.4, 0.003) +
                                   stepLine(4, 1.3, 0.004) + stepLine(5, 1.2, 0.005);
        rewrite(file, stepLine(1, 2.5, 0.001) + stepLine(2, 2.0, 0.0021) + stepLine(3, 1.4, 0.003));
        log.refresh();
        QCOMPARE(reset.count(), 2);
        QCOMPARE(log.points("lr", Kind::Step), (QVector<QPointF>{{1, 0.001}, {2, 0.0021}, {3, 0.003}}));
        rewrite(file, resumed);
        QTRY_COMPARE_WITH_TIMEOUT(reset.count(), 3, 3000);
        QTRY_COMPARE_WITH_TIMEOUT(log.recordCount(), 5, 3000);
        QCOMPARE(log.points("loss", Kind::Step).last(), QPointF(5, 1.2));
        QCOMPARE(log.points("lr", Kind::Step).at(1), QPointF(2, 0.002));

        // Replaced by another file (as a rename does).
        const QString other = path("other.jsonl");
        rewrite(other, stepLine(7, 0.9, 0.007));
        QVERIFY(QFile::remove(file));
        QVERIFY(QFile::rename(other, file));
        QTRY_COMPARE_WITH_TIMEOUT(log.recordCount(), 1, 3000);
        QCOMPARE(log.points("loss", Kind::Step), (QVector<QPointF>{{7, 0.9}}));
        QCOMPARE(reset.count(), 4);
        // ... and still followed after the replacement.
        append(file, stepLine(8, 0.8, 0.008));
        QTRY_COMPARE_WITH_TIMEOUT(log.recordCount(), 2, 3000);
    }

    void movingAverageMatchesHandComputedValues()
    {
        const QVector<double> values{1, 2, 3, 4};
        const QVector<double> half = LossPlotWidget::exponentialMovingAverage(values, 0.5);
        QCOMPARE(half, (QVector<double>{1, 1.5, 2.25, 3.125}));
        const QVector<double> heavy = LossPlotWidget::exponentialMovingAverage({10, 0, 0}, 0.9);
        QCOMPARE(heavy.size(), 3);
        QVERIFY(qFuzzyCompare(heavy[1], 9.0));
        QVERIFY(qFuzzyCompare(heavy[2], 8.1));
        QCOMPARE(LossPlotWidget::exponentialMovingAverage(values, 0.0), values);
        QVERIFY(LossPlotWidget::exponentialMovingAverage({}, 0.5).isEmpty());

        // The plotted line is that average; the raw points stay as they are.
        const QString file = path("ema.jsonl");
        rewrite(file, stepLine(1, 1, 0.1) + stepLine(2, 2, 0.1) + stepLine(3, 3, 0.1) + stepLine(4, 4, 0.1));
        MetricsLog log;
        log.setPath(file);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        plot.setSmoothing(0.5);
        QCOMPARE(plot.smoothing(), 0.5);
        QCPGraph *line = plot.graph("loss");
        QCPGraph *raw = plot.rawGraph("loss");
        QVERIFY(line && raw);
        QCOMPARE(line->data()->size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(line->data()->at(i)->value, half[i]);
            QCOMPARE(raw->data()->at(i)->value, values[i]);
        }
        QVERIFY(raw->visible());
        plot.setSmoothing(0.0);
        QCOMPARE(line->data()->at(3)->value, 4.0);
        QVERIFY(!raw->visible()); // the line is the raw points then
        plot.setSmoothing(2.0);
        QCOMPARE(plot.smoothing(), 0.99);
    }

    void seriesAppearAndToggle()
    {
        const QString file = path("series.jsonl");
        rewrite(file, realisticRun(60, 1.0, 1));
        MetricsLog log;
        log.setPath(file);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        const QStringList names = plot.seriesNames();
        // Known order, whatever the order of the keys in the file.
        QCOMPARE(names, (QStringList{"loss", "kd", "ce", "rev_kl", "val_loss", "val_rev_kl", "grad_norm", "lr",
                                     "tokens_per_s", "student_len", "gpu_mem_gb", "rss_gb"}));
        QVERIFY(!names.contains("phase"));
        QVERIFY(!names.contains("seconds"));
        QVERIFY(plot.isSeriesVisible("loss"));
        QVERIFY(!plot.isSeriesVisible("grad_norm")); // only wanted when something looks wrong
        QCOMPARE(plot.graph("val_loss")->data()->size(), 1);
        QCOMPARE(plot.graph("lr")->valueAxis(), plot.axis(LossPlotWidget::Axis::LearningRate));
        QCOMPARE(plot.graph("gpu_mem_gb")->valueAxis(), plot.axis(LossPlotWidget::Axis::Memory));
        QCOMPARE(plot.graph("tokens_per_s")->valueAxis(), plot.axis(LossPlotWidget::Axis::Throughput));
        QCOMPARE(plot.graph("loss")->valueAxis(), plot.axis(LossPlotWidget::Axis::Loss));

        QSignalSpy toggled(&plot, &LossPlotWidget::seriesVisibilityChanged);
        plot.setSeriesVisible("kd", false);
        QVERIFY(!plot.graph("kd")->visible());
        QVERIFY(!plot.rawGraph("kd")->visible());
        QCOMPARE(toggled.count(), 1);
        // Through the list, as a click does.
        auto *list = plot.findChild<QListWidget *>();
        QVERIFY(list);
        QCOMPARE(list->count(), names.size());
        QListWidgetItem *lossItem = list->item(0);
        QCOMPARE(lossItem->text(), LossPlotWidget::seriesTitle("loss"));
        QCOMPARE(lossItem->checkState(), Qt::Checked);
        lossItem->setCheckState(Qt::Unchecked);
        QVERIFY(!plot.isSeriesVisible("loss"));
        QVERIFY(!plot.graph("loss")->visible());
        QCOMPARE(list->item(1)->checkState(), Qt::Unchecked); // kd, hidden above
        plot.setSeriesVisible("kd", true);
        QVERIFY(plot.graph("kd")->visible());
        QCOMPARE(list->item(1)->checkState(), Qt::Checked);

        // New keys as the run goes on add series.
        append(file, R"({"step":61,"seconds":1,"lr":0.1,"loss":1,"pt":0.5,"phase":"distill"})" "\n");
        log.refresh();
        QVERIFY(plot.seriesNames().contains("pt"));
        QCOMPARE(plot.graph("loss")->data()->size(), 61);
    }

    void allZeroSeriesAreHiddenByDefault()
    {
        // A run on the CPU: its GPU memory is 0 at every step.
        const QString file = path("cpu-run.jsonl");
        QByteArray text;
        for (int step = 1; step <= 6; ++step)
            text += QStringLiteral(R"({"step":%1,"seconds":%2,"lr":0.001,"loss":%3,"kd":%3,"tokens_per_s":900,)"
                                   R"("gpu_mem_gb":0.0,"rss_gb":%4,"phase":"kd"})")
                        .arg(step)
                        .arg(step * 0.5)
                        .arg(3.0 / step)
                        .arg(0.3 + 0.01 * step)
                        .toUtf8() +
                    '\n';
        rewrite(file, text);
        MetricsLog log;
        log.setPath(file);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        QVERIFY(plot.isSeriesAllZero("gpu_mem_gb"));
        QVERIFY(!plot.isSeriesAllZero("rss_gb"));
        QVERIFY(!plot.isSeriesVisible("gpu_mem_gb"));
        QVERIFY(!plot.graph("gpu_mem_gb")->visible());
        // The memory there is, instead: process memory, which a GPU run leaves off.
        QVERIFY(plot.isSeriesVisible("rss_gb"));
        QVERIFY(plot.graph("rss_gb")->visible());
        auto *list = plot.findChild<QListWidget *>();
        QVERIFY(list);
        QListWidgetItem *gpuItem = nullptr;
        for (int i = 0; i < list->count(); ++i)
            if (list->item(i)->data(Qt::UserRole).toString() == "gpu_mem_gb")
                gpuItem = list->item(i);
        QVERIFY(gpuItem);
        QCOMPARE(gpuItem->checkState(), Qt::Unchecked);
        QVERIFY2(gpuItem->toolTip().contains("zero"), qPrintable(gpuItem->toolTip()));
        // The memory axis fits the RAM curve rather than +-1e-9 around the flat zero.
        const QCPRange memory = plot.axis(LossPlotWidget::Axis::Memory)->range();
        QVERIFY2(memory.contains(0.31) && memory.contains(0.36) && memory.size() < 0.1,
                 qPrintable(QStringLiteral("%1 .. %2").arg(memory.lower).arg(memory.upper)));

        // Ticked by the user, it is drawn and stays so as more zeros come; alone on its axis, the
        // flat line gets a range of +-1.
        gpuItem->setCheckState(Qt::Checked);
        QVERIFY(plot.isSeriesVisible("gpu_mem_gb"));
        plot.setSeriesVisible("rss_gb", false);
        append(file, R"({"step":7,"seconds":3.5,"lr":0.001,"loss":0.4,"kd":0.4,"gpu_mem_gb":0.0,"rss_gb":0.4,"phase":"kd"})"
                     "\n");
        log.refresh();
        QVERIFY(plot.isSeriesVisible("gpu_mem_gb"));
        QVERIFY(!plot.isSeriesVisible("rss_gb"));
        QCOMPARE(plot.axis(LossPlotWidget::Axis::Memory)->range().upper, 1.0);
        QCOMPARE(plot.axis(LossPlotWidget::Axis::Memory)->range().lower, -1.0);

        // A series that only starts at zero is shown once it is not all zero, unless the user chose.
        const QString late = path("late-gpu.jsonl");
        rewrite(late, R"({"step":1,"seconds":1,"lr":0.001,"loss":2,"gpu_mem_gb":0,"rss_gb":1.5,"phase":"kd"})" "\n");
        MetricsLog lateLog;
        lateLog.setPath(late);
        LossPlotWidget latePlot;
        latePlot.setMetricsLog(&lateLog);
        QVERIFY(!latePlot.isSeriesVisible("gpu_mem_gb"));
        QVERIFY(latePlot.isSeriesVisible("rss_gb"));
        append(late, R"({"step":2,"seconds":2,"lr":0.001,"loss":1,"gpu_mem_gb":12.5,"rss_gb":1.5,"phase":"kd"})" "\n");
        lateLog.refresh();
        QVERIFY(!latePlot.isSeriesAllZero("gpu_mem_gb"));
        QVERIFY(latePlot.isSeriesVisible("gpu_mem_gb"));
        QVERIFY(!latePlot.isSeriesVisible("rss_gb")); // back to its default beside a GPU curve
    }

    void logScaleSwitchesTheAxisAndIsRemembered()
    {
        QSettings().remove("lossPlot");
        {
            LossPlotWidget plot;
            QCOMPARE(plot.axis(LossPlotWidget::Axis::Loss)->scaleType(), QCPAxis::stLinear);
            auto *box = plot.findChild<QCheckBox *>();
            QVERIFY(box);
            box->setChecked(true);
            QVERIFY(plot.logScale());
            QCOMPARE(plot.axis(LossPlotWidget::Axis::Loss)->scaleType(), QCPAxis::stLogarithmic);
            QVERIFY(!plot.axis(LossPlotWidget::Axis::Loss)->ticker().dynamicCast<QCPAxisTickerLog>().isNull());
            plot.setSmoothing(0.8);
        }
        QCOMPARE(QSettings().value("lossPlot/logScale").toBool(), true);
        {
            LossPlotWidget plot;
            QVERIFY(plot.logScale());
            QCOMPARE(plot.smoothing(), 0.8);
            QCOMPARE(plot.axis(LossPlotWidget::Axis::Loss)->scaleType(), QCPAxis::stLogarithmic);
            plot.setLogScale(false);
            QCOMPARE(plot.axis(LossPlotWidget::Axis::Loss)->scaleType(), QCPAxis::stLinear);
        }
        QCOMPARE(QSettings().value("lossPlot/logScale").toBool(), false);
        QSettings().remove("lossPlot");
    }

    void csvExportIsExact()
    {
        const QString file = path("csv.jsonl");
        rewrite(file, R"({"step":1,"seconds":0.5,"lr":0.001,"loss":2.5,"kd":2.5,"rev_kl":0.75,"phase":"kd"})" "\n"
                      R"({"step":2,"seconds":1,"lr":0.002,"loss":2,"kd":2,"rev_kl":0.5,"phase":"kd"})" "\n"
                      R"({"step":2,"seconds":1.2,"val_loss":2.25,"val_rev_kl":0.625})" "\n"
                      R"({"step":3,"seconds":1.5,"lr":0.003,"loss":1.5,"kd":1.5,"rev_kl":null,"phase":"kd"})" "\n"
                      R"({"step":10,"seconds":5,"lr":3e-05,"loss":1250.5,"kd":1250.5,"rev_kl":0.1,"phase":"kd"})" "\n");
        MetricsLog log;
        log.setPath(file);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        plot.setSeriesVisible("kd", false); // hidden series are still data
        const QByteArray expected = "step,loss,kd,rev_kl,val_loss,val_rev_kl,lr\n"
                                    "1,2.5,2.5,0.75,,,0.001\n"
                                    "2,2,2,0.5,2.25,0.625,0.002\n"
                                    "3,1.5,1.5,,,,0.003\n"
                                    "10,1250.5,1250.5,0.1,,,3e-05\n";
        QCOMPARE(plot.csv().toUtf8(), expected);
        const QString out = path("out/metrics.csv");
        QString error;
        QVERIFY(!plot.saveCsv(out, &error)); // no such folder
        QVERIFY(!error.isEmpty());
        QVERIFY(QDir(dir_.path()).mkpath("out"));
        QVERIFY2(plot.saveCsv(out, &error), qPrintable(error));
        QCOMPARE(readAll(out), expected);
        QCOMPARE(QDir(dir_.filePath("out")).entryList(QDir::Files), QStringList{"metrics.csv"}); // nothing left aside
    }

    void pngAndPdfExports()
    {
        const QString file = path("export.jsonl");
        rewrite(file, realisticRun(120, 1.0, 2));
        MetricsLog log;
        log.setPath(file);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        const QString png = path("plot.png");
        const QString pdf = path("plot.pdf");
        QString error;
        QVERIFY2(plot.savePng(png, 800, 500, &error), qPrintable(error));
        QVERIFY2(plot.savePdf(pdf, 800, 500, &error), qPrintable(error));
        const QByteArray pngBytes = readAll(png);
        const QByteArray pdfBytes = readAll(pdf);
        QVERIFY(pngBytes.size() > 1000);
        QVERIFY(pngBytes.startsWith("\x89PNG\r\n\x1a\n"));
        QVERIFY(pdfBytes.size() > 1000);
        QVERIFY(pdfBytes.startsWith("%PDF-"));
        const QImage image(png);
        QCOMPARE(image.size(), QSize(800, 500));
        QVERIFY(distinctColours(image) > 8);
    }

    void comparisonRunsAndHover()
    {
        const QString current = path("current.jsonl");
        const QString baseline = path("baseline.jsonl");
        rewrite(current, stepLine(1, 2.0, 0.001) + stepLine(2, 1.0, 0.001) + stepLine(3, 0.5, 0.001));
        rewrite(baseline, stepLine(1, 2.2, 0.001) + stepLine(2, 1.6, 0.001) +
                              R"({"step":2,"seconds":1,"val_loss":1.7})" "\n");
        MetricsLog log, other;
        log.setPath(current);
        other.setPath(baseline);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        plot.setSmoothing(0.0);
        plot.addComparisonRun("baseline", &other);
        QCOMPARE(plot.comparisonRuns(), QStringList{"baseline"});
        QCPGraph *compared = plot.comparisonGraph("baseline", "loss");
        QVERIFY(compared);
        QCOMPARE(compared->pen().style(), Qt::DashLine);
        QCOMPARE(compared->pen().color(), plot.graph("loss")->pen().color());
        QVERIFY(compared->name().contains("baseline"));
        QCOMPARE(compared->data()->size(), 2);
        // A series only the compared run has is listed too.
        QVERIFY(plot.seriesNames().contains("val_loss"));
        QCOMPARE(plot.graph("val_loss")->data()->size(), 0);
        QCOMPARE(plot.comparisonGraph("baseline", "val_loss")->data()->size(), 1);
        plot.setSeriesVisible("loss", false);
        QVERIFY(!compared->visible());
        plot.setSeriesVisible("loss", true);
        QVERIFY(compared->visible());
        // The compared run grows on its own.
        append(baseline, stepLine(3, 1.1, 0.001));
        other.refresh();
        QCOMPARE(compared->data()->size(), 3);

        // Hover: the nearest point's series, step and value.
        plot.resize(900, 600);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.refresh();
        QCPGraph *loss = plot.graph("loss");
        const QPointF at(loss->keyAxis()->coordToPixel(3), loss->valueAxis()->coordToPixel(0.5));
        const QString text = plot.describePointNear(at + QPointF(2, -2));
        QVERIFY2(text.contains(LossPlotWidget::seriesTitle("loss")), qPrintable(text));
        QVERIFY2(text.contains("3") && text.contains("0.5"), qPrintable(text));
        QVERIFY(plot.describePointNear(QPointF(-50, -50)).isEmpty());
        QTest::mouseMove(plot.plot(), at.toPoint());
        QTRY_VERIFY(!plot.hoverText().isEmpty());
        QCOMPARE(plot.hoverText(), plot.describePointNear(at.toPoint()));

        plot.removeComparisonRun("baseline");
        QVERIFY(!plot.comparisonGraph("baseline", "loss"));
        QVERIFY(plot.comparisonRuns().isEmpty());
    }

    // Compared runs with long folder names: the legend elides them, fits its columns to the
    // plot's width so no entry is cut at the edge, and names each entry in full on hover.
    void longComparisonNamesFitTheLegend()
    {
        const QString current = path("legend-current.jsonl");
        rewrite(current, stepLine(1, 2.0, 0.001) + stepLine(2, 1.0, 0.001));
        const QString older = path("legend-older.jsonl");
        rewrite(older, stepLine(1, 2.5, 0.001) + stepLine(2, 1.5, 0.001));
        MetricsLog log, first, second;
        log.setPath(current);
        first.setPath(older);
        second.setPath(older);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        const QString longName = QStringLiteral("geochat-13b-to-7b-reverse-kl-teacher-mix-0.2-lr-5e-6-run-2026-12-01");
        plot.addComparisonRun(longName, &first);
        plot.addComparisonRun(longName + "-resumed", &second);
        plot.resize(640, 480);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.refresh();
        plot.plot()->replot();
        QCPLegend *legend = plot.plot()->legend;
        QVERIFY(legend->itemCount() >= 4);
        for (int i = 0; i < legend->itemCount(); ++i) {
            const QRect r = legend->item(i)->outerRect();
            QVERIFY2(r.right() <= plot.plot()->width(), qPrintable(QString("%1 ends at %2").arg(i).arg(r.right())));
            // Every entry is shown whole: its text fits its cell.
            auto *item = qobject_cast<QCPPlottableLegendItem *>(legend->item(i));
            QVERIFY(item);
            QVERIFY(QFontMetrics(legend->font()).horizontalAdvance(item->plottable()->name()) < r.width());
        }
        QCPGraph *compared = plot.comparisonGraph(longName, "loss");
        QVERIFY(!compared->name().contains(longName)); // elided
        const QRect entry = legend->item(legend->itemCount() - 1)->outerRect();
        const QString full = plot.legendEntryAt(entry.center());
        QVERIFY2(full.startsWith(longName + "-resumed: "), qPrintable(full));
        QCOMPARE(plot.legendEntryAt(QPointF(-5, -5)), QString());
        // Hovering a compared point names the run in full.
        QCOMPARE(compared->data()->size(), 2);
        const QPointF at(compared->keyAxis()->coordToPixel(2), compared->valueAxis()->coordToPixel(1.5));
        QVERIFY(plot.describePointNear(at).contains(longName));
    }

    void screenshotOfARealisticRun()
    {
        QSettings().remove("lossPlot");
        const QString file = path("run.jsonl");
        const QString baseline = path("run-baseline.jsonl");
        rewrite(file, realisticRun(300, 1.0, 7));
        rewrite(baseline, realisticRun(300, 1.25, 11));
        MetricsLog log, other;
        log.setPath(file);
        other.setPath(baseline);
        LossPlotWidget plot;
        plot.setMetricsLog(&log);
        plot.addComparisonRun(QStringLiteral("geochat-13b-to-7b-baseline-teacher-mix-0.2-run-2026-11-28"), &other);
        plot.resize(1280, 760);
        plot.show();
        QVERIFY(QTest::qWaitForWindowExposed(&plot));
        plot.refresh();
        QCOMPARE(plot.graph("loss")->data()->size(), 300);
        QCOMPARE(plot.graph("val_loss")->data()->size(), 6);

        const QImage image = plot.grab().toImage();
        const QString shot = path("loss-plot.png");
        QVERIFY(image.save(shot));
        // GEOLENS_TEST_PICTURES names a folder to keep the picture in, to look at.
        if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty()) {
            QFile::remove(pictures + "/loss-plot.png");
            QVERIFY(QFile::copy(shot, pictures + "/loss-plot.png"));
        }
        QVERIFY2(distinctColours(image) > 20, qPrintable(QString::number(distinctColours(image))));
        // The total loss, the learning rate and the GPU memory curves are all drawn.
        for (const char *name : {"loss", "lr", "gpu_mem_gb", "tokens_per_s"})
            QVERIFY2(pixelsNear(image, plot.graph(name)->pen().color()) > 100, name);
    }
};

QTEST_MAIN(LossPlotTest)
#include "tst_loss_plot.moc"
