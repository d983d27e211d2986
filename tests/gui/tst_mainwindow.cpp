#include "DisplayPanel.h"
#include "LanguageSwitcher.h"
#include "MainWindow.h"
#include "MapCanvas.h"
#include "RasterInfoPanel.h"
#include "TestRasters.h"
#include "TinyModel.h"
#include "AnalysisLayer.h"
#include "ChatPanel.h"
#include "DistillRunMonitor.h"
#include "DistillationWindows.h"
#include "EvaluateDialog.h"
#include "EvaluationReportView.h"
#include "EvaluationReportWindow.h"
#include "ModelComparisonDialog.h"
#include "ResultsPanel.h"
#include "DistillWizard.h"
#include "LossPlotWidget.h"
#include "TileClassifierRunWindow.h"
#include "TileClassifierWizard.h"
#include "ModelLoadDialog.h"
#include "NoModelGuide.h"
#include "AnalysisMenu.h"
#include "SceneLabelDialog.h"
#include "WindowGeometry.h"
#include "TileGridOverlay.h"
#include "TaskRunner.h"
#include "raster/RasterDataset.h"
#include "AnalysisTasks.h"
#include "common/JobProgress.h"
#include "distill/AspectTargetTable.h"
#include "distill/ClassifierTraining.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QLabel>
#include <QDir>
#include <QDockWidget>
#include <QGroupBox>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QRegularExpression>
#include <QTabBar>
#include <QTextDocumentFragment>
#include <QMenuBar>
#include <QMimeData>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QSlider>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTimer>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QTreeWidgetItem>
#include <QXmlStreamReader>
#include <QtTest>

#include <set>

using namespace geolens;
using geolens::test::RasterSpec;
using geolens::test::writeRaster;

namespace {

// An English word, once what the interface shows as it is (paths, file names, product
// and model names) is taken out: a string the translation missed.
bool looksEnglish(QString text)
{
    static const QRegularExpression asIs(
        // quoted examples of what the user types, paths and files, product and model names
        QStringLiteral("“[^”]*”|\"[^\"]*\"|" R"(\S*[/\\]\S*|\S+\.(tif|tiff|json|jsonl|gpkg|geojson|csv|png|pdf|html|model|pt|md)\b|geolens-cli \w+|)"
                       R"(\b(GeoLens|GeoChat|LLaVA|Vicuna|Hugging Face|README|LoRA|MiniLLM|\S+-model|GeoTIFF|JPEG2000|JPEG|GeoJSON|GeoPackage|)"
                       R"(FILE\.ovr|Ctrl|Shift|Enter|English|)"
                       // values the user types or chooses, and the sample's model names
                       R"(auto|presence|comparison|student|teacher|HTML|JSON|cuda)\b)"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression word(QStringLiteral(R"(\b[A-Za-z]{4,}\b)"));
    text.remove(asIs);
    return word.match(text).hasMatch();
}

void addActionTexts(const QList<QAction *> &actions, QStringList &texts)
{
    for (QAction *a : actions) {
        if (a->isSeparator() || !a->isVisible())
            continue;
        texts << a->text() << a->toolTip();
        if (a->menu())
            addActionTexts(a->menu()->actions(), texts);
    }
}

// What a user reads in a window: its title, and the labels, buttons, group titles, placeholders,
// tabs, headers, menus and tooltips of its visible widgets. Contents the user typed or loaded (the
// transcript, logs, tables of data) are left out.
QStringList visibleTexts(QWidget *window)
{
    QStringList texts{window->windowTitle(), window->toolTip()};
    for (QWidget *w : window->findChildren<QWidget *>()) {
        if (!w->isVisibleTo(window))
            continue;
        texts << w->toolTip();
        if (auto *dock = qobject_cast<QDockWidget *>(w))
            texts << dock->windowTitle();
        if (auto *label = qobject_cast<QLabel *>(w))
            texts << (Qt::mightBeRichText(label->text()) ? QTextDocumentFragment::fromHtml(label->text()).toPlainText()
                                                         : label->text());
        if (auto *button = qobject_cast<QAbstractButton *>(w))
            texts << button->text();
        if (auto *group = qobject_cast<QGroupBox *>(w))
            texts << group->title();
        if (auto *edit = qobject_cast<QLineEdit *>(w))
            texts << edit->placeholderText();
        if (auto *tabs = qobject_cast<QTabBar *>(w))
            for (int i = 0; i < tabs->count(); ++i)
                texts << tabs->tabText(i) << tabs->tabToolTip(i);
        if (auto *header = qobject_cast<QHeaderView *>(w); header && header->model())
            for (int i = 0; i < header->count(); ++i)
                texts << header->model()->headerData(i, header->orientation()).toString();
        if (auto *bar = qobject_cast<QMenuBar *>(w))
            addActionTexts(bar->actions(), texts);
    }
    texts.removeAll(QString());
    return texts;
}

} // namespace

class MainWindowTest : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir_;
    std::unique_ptr<LanguageSwitcher> languages_;
    std::unique_ptr<MainWindow> window_;

    QString write(const char *name, RasterSpec spec)
    {
        return QString::fromStdString(writeRaster(dir_.filePath(name).toStdString(), spec));
    }

    bool open(const QString &file)
    {
        QSignalSpy opened(window_.get(), &MainWindow::rasterOpened);
        QSignalSpy failed(window_.get(), &MainWindow::openFailed);
        window_->openRaster(file);
        return QTest::qWaitFor([&] { return opened.count() + failed.count() > 0; }, 20000) && opened.count() == 1;
    }

    // Writes a tiny model (the tokenizer must exist) and loads it into the window on the CPU.
    bool loadTinyModel(const char *name, const test::TinyModelSpec &spec)
    {
        const QString folder = dir_.filePath(name);
        test::writeTinyModel(folder.toStdString(), spec, test::TinyLayout::GeoChat,
                             GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        ModelLoadOptions options;
        options.device = ComputeDevice::Cpu;
        options.dtype = WeightType::F32;
        options.imageSize = 24;
        QSignalSpy loaded(window_.get(), &MainWindow::modelLoaded);
        window_->loadModel(folder, options);
        return loaded.wait(30000) && window_->model();
    }

    // A 1100 x 600 RGB raster: tiles 0-2 on the first row, 3-5 on the second.
    bool openThreeTileRaster(const char *name)
    {
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        return open(write(name, spec));
    }

    // An evaluation report folder of two models on the scene benchmark; "" when it cannot be written.
    QString writeEvaluationReport(const char *name)
    {
        const QString report = dir_.filePath(name);
        QDir().mkpath(report);
        QFile evaluation(report + "/evaluation.json");
        if (!evaluation.open(QIODevice::WriteOnly))
            return {};
        evaluation.write(R"({"benchmark":"scene","dataset":"UCMerced_LandUse","questions":4,"classes":["a","b"],)"
                         R"("models":[{"name":"student"},{"name":"teacher"}]})");
        return report;
    }

    bool waitForCanvas()
    {
        return QTest::qWaitFor([&] {
            window_->canvas()->repaint();
            return window_->canvas()->pendingTileCount() == 0;
        }, 20000);
    }

    void closeMessageBoxes()
    {
        for (QWidget *w : QApplication::topLevelWidgets())
            if (auto *box = qobject_cast<QMessageBox *>(w))
                box->close();
        QCoreApplication::processEvents();
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings().clear();
        languages_ = std::make_unique<LanguageSwitcher>();
        languages_->apply(QStringLiteral("en"));
    }

    void init()
    {
        window_ = std::make_unique<MainWindow>(languages_.get());
        window_->resize(1000, 700);
        window_->show();
        QVERIFY(QTest::qWaitForWindowExposed(window_.get()));
    }

    void cleanup()
    {
        closeMessageBoxes();
        window_.reset();
    }

    void opensGeoreferencedRasterAndShowsCoordinates()
    {
        RasterSpec spec;
        spec.width = 1200;
        spec.height = 800;
        spec.bands = 3;
        spec.dataType = "UInt16";
        spec.epsg = 32632;
        spec.geoTransform = std::array<double, 6>{500000, 10, 0, 0, 0, -10};
        spec.value = [](int b, int x, int y) { return 1000 + b * 300 + (x * y) % 700; };
        const QString file = write("utm.tif", spec);
        QVERIFY(open(file));
        QVERIFY(window_->raster());
        QVERIFY(window_->georeferenceNotice().isEmpty());
        QVERIFY(window_->windowTitle().contains("utm.tif"));
        QVERIFY(window_->infoPanel()->tree()->topLevelItemCount() > 5);
        QCOMPARE(window_->tileGrid()->grid()->count(), 6); // 3 x 2 tiles of 504

        window_->showCursorPosition(QPointF(0.5, 0.5));
        const QString text = window_->coordinateText();
        QVERIFY2(text.contains("Pixel 0, 0"), qPrintable(text));
        QVERIFY2(text.contains("500005.00") && text.contains("-5.00"), qPrintable(text));
        // UTM 32N at (500005, -5): just south of the equator on 9 deg E.
        QVERIFY2(text.contains("Lon 9.0000") && text.contains("Lat -0.0000"), qPrintable(text));

        // The canvas really shows the image.
        QVERIFY(waitForCanvas());
        const QImage picture = window_->canvas()->grab().toImage();
        const QRgb centre = picture.pixel(picture.width() / 2, picture.height() / 2);
        QVERIFY(centre != window_->canvas()->palette().color(QPalette::Dark).rgb());

        // Recent files remember it.
        QCOMPARE(QSettings().value("files/recent").toStringList().value(0), QFileInfo(file).absoluteFilePath());
    }

    void opensAwkwardRasters_data()
    {
        QTest::addColumn<int>("kind");
        QTest::newRow("1x1") << 0;
        QTest::newRow("200 bands") << 1;
        QTest::newRow("16-bit") << 2;
        QTest::newRow("float with NaN") << 3;
    }

    void opensAwkwardRasters()
    {
        QFETCH(int, kind);
        RasterSpec spec;
        switch (kind) {
        case 0:
            spec.width = spec.height = 1;
            break;
        case 1:
            spec.width = spec.height = 16;
            spec.bands = 200;
            spec.dataType = "Int16";
            break;
        case 2:
            spec.dataType = "UInt16";
            spec.value = [](int, int x, int y) { return 100 + x * 400 + y * 50; };
            break;
        case 3:
            spec.dataType = "Float32";
            spec.value = [](int, int x, int y) { return (x + y) % 5 == 0 ? std::nan("") : x * 0.5 - y; };
            break;
        }
        const QString file = write(qPrintable(QString("awkward%1.tif").arg(kind)), spec);
        QVERIFY(open(file));
        QVERIFY(waitForCanvas());
        const QImage picture = window_->canvas()->grab().toImage();
        const QPointF centre = window_->canvas()->rasterToWidget(QPointF(spec.width / 2.0, spec.height / 2.0));
        QVERIFY(picture.pixel(centre.toPoint()) != window_->canvas()->palette().color(QPalette::Dark).rgb());
        QCOMPARE(window_->tileGrid()->grid()->count(), 1);
    }

    void dropOpensTheFile()
    {
        RasterSpec spec;
        const QString file = write("dropped.tif", spec);
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(file)});
        QSignalSpy opened(window_.get(), &MainWindow::rasterOpened);
        const QPoint at = window_->canvas()->rect().center();
        QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window_->canvas(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(at), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(window_->canvas(), &drop);
        QVERIFY(opened.wait(10000));
        QCOMPARE(opened.first().first().toString(), file);
    }

    void bandChoiceIsEditable()
    {
        RasterSpec spec;
        spec.bands = 4;
        spec.dataType = "Float32";
        spec.value = [](int b, int x, int) { return b * 10.0 + x; };
        QVERIFY(open(write("four.tif", spec)));
        DisplayPanel *panel = window_->displayPanel();
        QCOMPARE(panel->modeCombo()->currentIndex(), 0); // RGB from bands 1-2-3
        panel->bandCombo(0)->setCurrentIndex(3);         // red <- band 4
        QVERIFY(QTest::qWaitFor([&] {
            const DisplaySettings &s = window_->canvas()->displaySettings();
            return s.rgbBands[0] == 4 && s.stretches.count(4) == 1;
        }, 10000));
        panel->modeCombo()->setCurrentIndex(1);
        QVERIFY(QTest::qWaitFor([&] {
            return window_->canvas()->displaySettings().mode == DisplaySettings::Mode::Grey;
        }, 10000));
    }

    // A dark 6-band Byte Landsat 7 scene opens in true colour (bands 3-2-1) with the 2-98 % cut;
    // the Display panel's stretch control changes what the map and the exported tiles show.
    void landsatOpensInTrueColourAndTheStretchIsEditable()
    {
        RasterSpec spec;
        spec.width = 504;
        spec.height = 504;
        spec.bands = 6;
        spec.value = [](int b, int x, int y) {
            return b == 1 ? 40 + x % 51 : b == 3 ? 90 - x % 51 : b == 2 ? 40 + y % 51 : 60;
        };
        QVERIFY(open(write("LE07_L2SP_123032_20000101_20200101_02_T1.tif", spec)));
        DisplayPanel *panel = window_->displayPanel();
        const DisplaySettings opened = window_->canvas()->displaySettings();
        QCOMPARE(opened.rgbBands, (std::array<int, 3>{3, 2, 1}));
        QVERIFY(opened.stretch == DisplaySettings::Stretch::CumulativeCut);
        QCOMPARE(panel->stretchCombo()->currentIndex(), 2);
        QStringList labels;
        for (QLabel *label : panel->findChildren<QLabel *>())
            labels << label->text();
        QVERIFY2(labels.join(' ').contains("band order of Landsat 7"), qPrintable(labels.join(" | ")));

        // Custom limits start from the cut and take what is typed, for the band each row names.
        panel->stretchCombo()->setCurrentIndex(3);
        QVERIFY(panel->customLimit(0, false)->isVisible());
        QVERIFY(QTest::qWaitFor([&] {
            return window_->canvas()->displaySettings().stretch == DisplaySettings::Stretch::Custom;
        }, 10000));
        QCOMPARE(window_->canvas()->displaySettings().stretches.at(3), opened.stretches.at(3));
        panel->customLimit(0, true)->setValue(190.0);
        panel->customLimit(0, false)->setValue(90.0);
        QVERIFY(QTest::qWaitFor([&] {
            const auto &stretches = window_->canvas()->displaySettings().stretches;
            return stretches.count(3) && stretches.at(3) == (BandStretch{90.0, 190.0});
        }, 10000));
        window_->tileGrid()->setSelectedTiles({0});
        QSignalSpy finished(window_.get(), &MainWindow::tileExportFinished);
        window_->startTileExport(dir_.filePath("landsat-tiles"));
        QVERIFY(finished.wait(20000));
        const QImage tile(dir_.filePath("landsat-tiles/tile_r0_c0.png"));
        QVERIFY(!tile.isNull());
        QCOMPARE(qRed(tile.pixel(0, 0)), 0); // band 3 at 90, the custom black point

        panel->stretchCombo()->setCurrentIndex(0);
        QVERIFY(!panel->customLimit(0, false)->isVisible());
        QVERIFY(QTest::qWaitFor([&] {
            return window_->canvas()->displaySettings().stretch == DisplaySettings::Stretch::None;
        }, 10000));
        panel->stretchCombo()->setCurrentIndex(1);
        QVERIFY(QTest::qWaitFor([&] {
            const DisplaySettings &s = window_->canvas()->displaySettings();
            return s.stretch == DisplaySettings::Stretch::MinMax && s.stretches.count(3) &&
                   s.stretches.at(3) == (BandStretch{40.0, 90.0});
        }, 10000));
    }

    void overlapChangesTheGrid()
    {
        RasterSpec spec;
        spec.width = 1000;
        spec.height = 504;
        QVERIFY(open(write("overlap.tif", spec)));
        QCOMPARE(window_->tileGrid()->grid()->columns(), 2);
        window_->displayPanel()->overlapSpin()->setValue(10);
        QCOMPARE(window_->tileGrid()->grid()->stride(), 454);
        QCOMPARE(window_->tileGrid()->grid()->columns(), 3);
        QCOMPARE(QSettings().value("tiles/overlapPercent").toInt(), 10);
        window_->displayPanel()->overlapSpin()->setValue(0);
    }

    void noticeForRasterWithoutGeoreferencing()
    {
        RasterSpec spec;
        spec.epsg.reset();
        spec.geoTransform.reset();
        QVERIFY(open(write("plain.tif", spec)));
        QVERIFY(window_->georeferenceNotice().contains("No georeferencing"));
        window_->showCursorPosition(QPointF(3.5, 4.5));
        QVERIFY(window_->coordinateText().startsWith("Pixel 3, 4 |  | "));
    }

    void badFileShowsErrorAndKeepsState()
    {
        RasterSpec spec;
        QVERIFY(open(write("good.tif", spec)));
        const QString bad = dir_.filePath("bad.tif");
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("definitely not a tiff");
        f.close();
        QSignalSpy failed(window_.get(), &MainWindow::openFailed);
        window_->openRaster(bad);
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.first().first().toString().contains(bad));
        QMessageBox *box = nullptr;
        QVERIFY(QTest::qWaitFor([&] {
            for (QWidget *w : QApplication::topLevelWidgets())
                if (auto *b = qobject_cast<QMessageBox *>(w); b && b->isVisible())
                    box = b;
            return box != nullptr;
        }, 5000));
        QVERIFY(box->text().contains("bad.tif"));
        // The previous raster stays open.
        QVERIFY(window_->raster());
        QVERIFY(window_->windowTitle().contains("good.tif"));
    }

    void exportsSelectedTiles()
    {
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        QVERIFY(open(write("export.tif", spec)));
        window_->tileGrid()->setSelectedTiles({0, 4});
        QSignalSpy finished(window_.get(), &MainWindow::tileExportFinished);
        window_->startTileExport(dir_.filePath("exported"));
        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(QDir(dir_.filePath("exported")).entryList({"*.png"}).size(), 2);
        QVERIFY(QFile::exists(dir_.filePath("exported/tiles.geojson")));
    }

    void buildsOverviewsAndReopens()
    {
        RasterSpec spec;
        spec.width = 2000;
        spec.height = 1200;
        spec.tiled = true;
        const QString file = write("needs-overviews.tif", spec);
        QVERIFY(open(file));
        QVERIFY(window_->raster()->metadata().overviews.empty());
        QSignalSpy built(window_.get(), &MainWindow::overviewBuildFinished);
        QSignalSpy reopened(window_.get(), &MainWindow::rasterOpened);
        window_->startOverviewBuild();
        QVERIFY(built.wait(20000));
        QCOMPARE(built.first().first().toBool(), true);
        QVERIFY(reopened.count() == 1 || reopened.wait(10000));
        QCOMPARE(window_->raster()->metadata().overviews.size(), std::size_t(3));
        QVERIFY(QFile::exists(file + ".ovr"));
    }

    void loadsModelAndLabelsTiles()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QVERIFY(loadTinyModel("tiny-model", test::TinyModelSpec{}));
        // The status bar names the model and, in its tooltip, the checkpoint layout.
        bool layoutShown = false;
        for (QLabel *label : window_->statusBar()->findChildren<QLabel *>())
            layoutShown = layoutShown || (label->text().startsWith("Model: tiny-model") &&
                                          label->toolTip().contains("GeoChat layout"));
        QVERIFY(layoutShown);

        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        spec.value = [](int b, int x, int y) { return (x / 7 + y / 5 + b * 60) % 256; };
        QVERIFY(open(write("labels.tif", spec)));
        QVERIFY(waitForCanvas());
        const QImage before = window_->canvas()->grab().toImage();
        window_->tileGrid()->setSelectedTiles({0, 1, 3, 4});
        window_->tileGrid()->setVisible(false);

        SceneLabelOptions labelOptions;
        labelOptions.classes = {"airport", "beach", "forest"};
        labelOptions.mode = SceneLabelOptions::Mode::Score;
        QSignalSpy finished(window_.get(), &MainWindow::analysisFinished);
        window_->startSceneLabels(labelOptions);
        // One job at a time: a second task asked for while the labels run does not start.
        QVERIFY(window_->taskRunner()->isBusy());
        window_->startFindObjects("refused");
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(!window_->taskRunner()->isBusy());
        QCOMPARE(window_->analysisLayer()->tileLabels().size(), std::size_t(4));
        QCOMPARE(window_->results().size(), std::size_t(4));
        QCOMPARE(window_->session()->results().front().task, std::string("scene"));
        QTest::qWait(100);
        QCOMPARE(finished.count(), 1);

        // Labelling one tile again and a new one: the map and the results keep one label a tile.
        window_->tileGrid()->setSelectedTiles({0, 2});
        finished.clear();
        window_->startSceneLabels(labelOptions);
        QVERIFY(finished.wait(60000));
        QCOMPARE(window_->analysisLayer()->tileLabels().size(), std::size_t(5));
        QCOMPARE(window_->results().size(), std::size_t(5));
        std::set<int> labelled;
        for (const AnalysisFeature &f : window_->session()->results())
            QVERIFY2(labelled.insert(f.tileId).second, "a tile has two labels");
        QCOMPARE(labelled, (std::set<int>{0, 1, 2, 3, 4}));
        window_->tileGrid()->setSelectedTiles({0, 1, 3, 4});
        finished.clear();

        // The label layer is drawn: tile 0's centre is tinted, and a legend fills the top right.
        QVERIFY(waitForCanvas());
        const QImage after = window_->canvas()->grab().toImage();
        const QPoint centre = window_->canvas()->rasterToWidget(QPointF(252, 252)).toPoint();
        QVERIFY(after.pixel(centre) != before.pixel(centre));
        const QPoint legend(after.width() - 20, 20);
        QVERIFY(after.pixel(legend) != before.pixel(legend));
        QVERIFY(window_->analysisLayer()->describeAt(QPointF(252, 252)).contains("%"));

        // The results list has them; activating one zooms the map to its tile.
        QCOMPARE(window_->resultsPanel()->count(), 5);
        QTreeWidgetItem *item = window_->resultsPanel()->tree()->topLevelItem(0);
        const int tile = item->text(3).toInt();
        // Every row carries what the model was asked and said, in a column and in its tooltip.
        QVERIFY(item->toolTip(0).contains(QString::fromStdString(
            window_->session()->results().at(static_cast<std::size_t>(item->data(0, Qt::UserRole).toInt())).prompt)));
        emit window_->resultsPanel()->tree()->itemActivated(item, 0);
        const Tile t = window_->tileGrid()->grid()->tile(tile);
        QVERIFY(std::abs(window_->canvas()->center().x() - (t.xOff + t.validWidth / 2.0)) < 1.0);
        QVERIFY(std::abs(window_->canvas()->center().y() - (t.yOff + t.validHeight / 2.0)) < 1.0);

        window_->displayPanel()->resultOpacitySlider()->setValue(80);
        QCOMPARE(window_->analysisLayer()->opacity(), 0.8);
        QCOMPARE(QSettings().value("analysis/labelOpacity").toInt(), 80);

        const QString gpkg = dir_.filePath("gui-results.gpkg");
        window_->exportResults(gpkg);
        QVERIFY(QFile::exists(gpkg));

        finished.clear();
        window_->startFindObjects("airplanes");
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().toBool(), true);
        finished.clear();
        window_->startGrounding();
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(window_->resultsPanel()->count(), static_cast<int>(window_->results().size()));
        for (int i = 0; i < window_->resultsPanel()->count(); ++i) {
            QTreeWidgetItem *row = window_->resultsPanel()->tree()->topLevelItem(i);
            const AnalysisFeature &f =
                window_->session()->results().at(static_cast<std::size_t>(row->data(0, Qt::UserRole).toInt()));
            QCOMPARE(row->text(4), QString::fromStdString(f.answer).replace('\n', ' '));
            QVERIFY(row->toolTip(1).contains(QString::fromStdString(f.answer)));
        }
    }

    // Describe with Boxes on a model that answers in sentences: no box, and the description is
    // kept as a result of its tile, not thrown away.
    void describeWithBoxesKeepsAnswersWithoutBoxes()
    {
        if (!QFile::exists(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model"))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        RasterSpec spec;
        spec.width = 600;
        spec.height = 400;
        spec.bands = 3;
        spec.epsg = 32632;
        spec.geoTransform = std::array<double, 6>{500000, 1, 0, 0, 0, -1};
        spec.value = [](int b, int x, int y) { return 60 + b * 40 + (x + y) % 90; };
        QVERIFY(open(write("sentences.tif", spec)));
        test::TinyModelSpec model;
        model.scriptedAnswer = "A harbour with two ships.";
        QVERIFY(loadTinyModel("sentences", model));
        window_->tileGrid()->setSelectedTiles({0, 1});
        QSignalSpy finished(window_.get(), &MainWindow::analysisFinished);
        window_->startGrounding();
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);
        QVERIFY(window_->analysisLayer()->boxes().empty());
        QCOMPARE(window_->results().size(), std::size_t(2));
        for (const AnalysisFeature &f : window_->results()) {
            QCOMPARE(f.task, std::string("grounding"));
            QVERIFY2(QString::fromStdString(f.answer).startsWith("A harbour with two ships"), f.answer.c_str());
        }
        QCOMPARE(window_->resultsPanel()->count(), 2);
        QVERIFY(window_->resultsPanel()->tree()->topLevelItem(0)->text(4).startsWith("A harbour"));
    }

    void scriptedModelPutsItsBoxesOnTheMap()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        // A model that answers every question with one box (stray brackets included, which the
        // parser skips): the path from generated tokens to boxes in map coordinates, end to end.
        test::TinyModelSpec scripted;
        scripted.scriptedAnswer = "a plane {<<12><34>> <56 ><78>|<9>}";
        QVERIFY(loadTinyModel("scripted-model", scripted));
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        QVERIFY(open(write("scripted.tif", spec)));
        QVERIFY(waitForCanvas());
        window_->tileGrid()->setVisible(false);
        const QImage before = window_->canvas()->grab().toImage();

        window_->tileGrid()->setSelectedTiles({0, 1});
        QSignalSpy finished(window_.get(), &MainWindow::analysisFinished);
        window_->startFindObjects("planes");
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);
        const std::vector<MapBox> boxes = window_->analysisLayer()->boxes();
        QCOMPARE(boxes.size(), std::size_t(2));
        // Tile 0 is the whole 504 px square: the 0-100 grid scales by 5.04.
        const RotatedBox &first = boxes[0].box.cx < boxes[1].box.cx ? boxes[0].box : boxes[1].box;
        QVERIFY(std::abs(first.cx - 34 * 5.04) < 1e-6 && std::abs(first.cy - 56 * 5.04) < 1e-6);
        QVERIFY(std::abs(first.width - 44 * 5.04) < 1e-6 && std::abs(first.height - 44 * 5.04) < 1e-6);
        QCOMPARE(first.angleDegrees, 9.0);
        QCOMPARE(boxes[0].label, QString("planes"));
        QCOMPARE(window_->results().size(), std::size_t(2));
        QCOMPARE(window_->results().front().task, std::string("refer"));
        QCOMPARE(window_->results().front().angle, 9.0);
        // The results list shows the model's words beside the box read from them.
        QTreeWidgetItem *row = window_->resultsPanel()->tree()->topLevelItem(0);
        QVERIFY2(row->text(4).contains("a plane") && row->toolTip(2).contains("a plane"), qPrintable(row->text(4)));

        // The outline is drawn where the box's top-left corner lies.
        QVERIFY(waitForCanvas());
        const QImage after = window_->canvas()->grab().toImage();
        const Point2 corner = first.corners()[0];
        const QPoint onEdge = window_->canvas()->rasterToWidget(QPointF(corner.x, corner.y)).toPoint();
        bool changed = false;
        for (int dy = -2; dy <= 2 && !changed; ++dy)
            for (int dx = -2; dx <= 2 && !changed; ++dx)
                changed = after.pixel(onEdge + QPoint(dx, dy)) != before.pixel(onEdge + QPoint(dx, dy));
        QVERIFY(changed);

        // A chat answer with a box draws it too.
        QSignalSpy answered(window_.get(), &MainWindow::chatAnswered);
        window_->tileGrid()->setSelectedTiles({1});
        window_->askChat("Where is the plane?");
        QVERIFY(answered.wait(60000));
        QCOMPARE(answered.first().first().toString(), QString::fromStdString(scripted.scriptedAnswer));
        QCOMPARE(window_->analysisLayer()->boxes().size(), std::size_t(3));

        // About the whole view: the 1100 x 600 raster is padded to an 1100 px square, so the same
        // box (grid y 34..78, pixels 124..608) reaches 8 px below the raster. It is clipped to it,
        // on the map and in the results, and the chat says so.
        window_->canvas()->zoomToFit();
        QVERIFY(waitForCanvas());
        window_->tileGrid()->setSelectedTiles({});
        answered.clear();
        window_->askChat("Where is the plane in the view?");
        QVERIFY(answered.wait(60000));
        QCOMPARE(window_->analysisLayer()->boxes().size(), std::size_t(4));
        const RotatedBox &onView = window_->analysisLayer()->boxes().back().box;
        for (const Point2 &corner : onView.corners())
            QVERIFY2(corner.x >= -1e-6 && corner.x <= 1100 + 1e-6 && corner.y >= -1e-6 && corner.y <= 600 + 1e-6,
                     qPrintable(QString("corner %1, %2").arg(corner.x).arg(corner.y)));
        QCOMPARE(window_->results().back().tileId, -1);
        QVERIFY(window_->chatPanel()->transcript().contains("outside the raster"));
    }

    // The Label dialog opens with the choices it was last accepted with, Score mode included;
    // a canceled dialog changes nothing.
    // Load Model asks for the image size and checks it against the model's context before
    // anything loads; the size is remembered for the folder.
    // Before a model is loaded, the Chat and Results panes say where models come from, with the
    // download commands and a Load Model button; the status bar's "No model" opens the dialog
    // too; a loaded folder is listed under Analysis > Recent Models.
    void emptyPanesLeadToAModel()
    {
        if (!QFile::exists(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model"))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        auto *chat = window_->findChild<ChatPanel *>();
        auto *results = window_->findChild<ResultsPanel *>();
        QVERIFY(chat && results);
        QVERIFY(chat->showsGuide());
        QVERIFY(results->showsGuide());
        const auto *commands = chat->findChild<QPlainTextEdit *>("downloadCommands");
        QVERIFY(commands && commands->isVisibleTo(window_.get()));
        QVERIFY(commands->toPlainText().contains("hf download Oreowo/GeoChat-KD --local-dir"));
        QVERIFY(commands->toPlainText().contains("hf download MBZUAI/geochat-7B"));
        QVERIFY(chat->findChild<QPushButton *>("loadModelButton"));
        QVERIFY(open(write("empty-state.tif", RasterSpec{})));
        if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty()) {
            QVERIFY(waitForCanvas());
            window_->grab().save(pictures + "/empty-state.png");
        }

        // The button and the status bar's label open the Load Model dialog.
        auto *label = window_->statusBar()->findChild<QLabel *>("modelStatus");
        QVERIFY(label);
        QVERIFY(label->toolTip().contains("Click"));
        for (QWidget *trigger : {static_cast<QWidget *>(label),
                                 static_cast<QWidget *>(results->findChild<QPushButton *>("loadModelButton"))}) {
            bool shown = false;
            QTimer::singleShot(0, this, [&shown] {
                (void)QTest::qWaitFor([] { return qobject_cast<ModelLoadDialog *>(QApplication::activeModalWidget()); }, 5000);
                if (auto *dialog = qobject_cast<ModelLoadDialog *>(QApplication::activeModalWidget())) {
                    shown = true;
                    dialog->reject();
                }
            });
            if (auto *button = qobject_cast<QPushButton *>(trigger))
                button->click();
            else
                QTest::mouseClick(trigger, Qt::LeftButton);
            QVERIFY(shown);
        }

        QVERIFY(loadTinyModel("recent-model", test::TinyModelSpec{}));
        QVERIFY(!chat->showsGuide());
        QVERIFY(!results->showsGuide());
        QCOMPARE(AnalysisMenu::recentModelFolders().value(0), dir_.filePath("recent-model"));
        QMenu *recent = window_->findChild<QMenu *>("recentModels");
        QVERIFY(recent && recent->isEnabled());
        QVERIFY(recent->actions().value(0) && recent->actions().value(0)->text().contains("recent-model"));
    }

    // A trained multi-aspect classifier labels the tiles without a model; the tiles can then be
    // coloured by class or as a heat map of one aspect, and their tooltips list the aspects.
    void classifierLabelsAndAspectHeatMap()
    {
        AspectTargetSettings settings;
        settings.source = "synthetic";
        settings.teacher = "scripted";
        settings.classes = {"forest", "water body"};
        settings.aspects = {{"water", "Is there any water?"}, {"trees", "Are there trees?"}};
        settings.imageSize = 32;
        const QString targets = dir_.filePath("gui-targets");
        {
            AspectTargetTable table = AspectTargetTable::openForWriting(targets.toStdString(), settings);
            for (int i = 0; i < 8; ++i) {
                RgbImage image;
                image.width = image.height = 32;
                image.pixels.assign(32 * 32 * 3, static_cast<std::uint8_t>(i % 2 ? 200 : 40));
                AspectTarget t;
                t.id = std::to_string(i);
                t.classProbabilities = {i % 2 ? 0.1 : 0.9, i % 2 ? 0.9 : 0.1};
                t.aspectProbabilities = {i % 2 ? 0.95 : 0.05, i % 2 ? 0.1 : 0.8};
                table.append(t, image);
            }
        }
        ClassifierTrainingOptions training;
        training.targets = targets.toStdString();
        training.out = dir_.filePath("gui-classifier").toStdString();
        training.architecture = "resnet10";
        training.width = 8;
        training.epochs = 1;
        training.batch = 4;
        training.validationFraction = 0.25;
        training.device = "cpu";
        const ClassifierTrainingResult trained = ClassifierTraining(training).run(JobProgress());

        QVERIFY(openThreeTileRaster("classified.tif"));
        QVERIFY(!window_->model());
        auto *menu = window_->findChild<AnalysisMenu *>();
        QAction *action = nullptr;
        for (QAction *a : menu->actions())
            if (a->shortcut() == QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L))
                action = a;
        QVERIFY(action && action->isEnabled() && action->text().contains("Classifier"));
        auto *tasks = window_->findChild<AnalysisTasks *>();
        QVERIFY(tasks);
        QSignalSpy finished(tasks, &AnalysisTasks::analysisFinished);
        tasks->labelWithClassifier(QString::fromStdString(trained.classifier));
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(finished.first().last().toString()));

        AnalysisLayer *layer = window_->analysisLayer();
        QCOMPARE(layer->tileLabels().size(), std::size_t(6));
        for (const TileLabel &l : layer->tileLabels()) {
            QVERIFY(l.label == "forest" || l.label == "water body");
            QCOMPARE(l.aspects.size(), std::size_t(2));
        }
        QCOMPARE(layer->aspectKeys(), QStringList({"water", "trees"}));
        QVERIFY(layer->describeAt(QPointF(10, 10)).contains("water:"));
        QMenu *colourBy = window_->findChild<QMenu *>("colourTilesBy");
        QVERIFY(colourBy && colourBy->isEnabled());
        QAction *water = nullptr;
        for (QAction *a : colourBy->actions())
            if (a->data().toString() == "water")
                water = a;
        QVERIFY(water);
        water->trigger();
        QCOMPARE(layer->colouring(), QString("water"));
        QVERIFY(AnalysisLayer::heatColour(0.0) != AnalysisLayer::heatColour(1.0));
        if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty()) {
            QVERIFY(waitForCanvas());
            window_->grab().save(pictures + "/aspect-heat-map.png");
        }
        // Back to the classes; the results hold the aspects for export.
        colourBy->actions().value(0)->trigger();
        QVERIFY(layer->colouring().isEmpty());
        const QString exported = dir_.filePath("classified.gpkg");
        QVERIFY(tasks->exportResults(exported));
        QVERIFY(QFile::exists(exported));
    }

    // The multi-aspect method from the GUI: the distillation wizard's method page leads to its own
    // wizard, which refuses what cannot run and writes the questions; the run window runs the
    // teacher pass and the training with live curves, and labels the map with the classifier.
    void tileClassifierMethodEndToEnd()
    {
        if (!QFile::exists(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model"))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        {
            DistillWizard distill;
            QSignalSpy chosen(&distill, &DistillWizard::tileClassifierRequested);
            auto *button = distill.findChild<QPushButton *>("tileClassifierMethod");
            QVERIFY(button);
            distill.show();
            button->click();
            QCOMPARE(chosen.count(), 1);
            QCOMPARE(distill.result(), int(QDialog::Rejected));
        }

        const QString model = dir_.filePath("aspect-teacher");
        test::writeTinyModel(model.toStdString(), test::TinyModelSpec{}, test::TinyLayout::GeoChat,
                             GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        RasterSpec spec; // six tiles
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        const QString raster = write("aspect-tiles.tif", spec);
        const QString out = dir_.filePath("aspect-run");
        TileClassifierWizard wizard;
        wizard.setTeacher(dir_.filePath("no-model"));
        wizard.setSource(raster);
        wizard.setOutputFolder(out);
        QVERIFY(wizard.problem(TileClassifierWizard::TeacherPageId).contains("no config.json"));
        wizard.setTeacher(model);
        QVERIFY2(wizard.problem(TileClassifierWizard::TeacherPageId).isEmpty(),
                 qPrintable(wizard.problem(TileClassifierWizard::TeacherPageId)));
        auto *aspects = wizard.findChild<QPlainTextEdit *>("aspects");
        QVERIFY(aspects && aspects->toPlainText().contains("water: "));
        aspects->setPlainText("# none yet\n");
        QVERIFY(wizard.problem(TileClassifierWizard::AspectsPageId).contains("holds no questions"));
        aspects->setPlainText("water: Is there any water?\nroads: Are there roads?\n");
        QVERIFY(wizard.problem(TileClassifierWizard::AspectsPageId).isEmpty());
        wizard.findChild<QSpinBox *>("epochs")->setValue(2);
        wizard.show();
        wizard.next();
        wizard.next();
        QCOMPARE(wizard.currentId(), int(TileClassifierWizard::StudentPageId));
        QVERIFY(wizard.findChild<QLabel *>("review")->text().contains("geolens-cli train-classifier"));
        wizard.accept();
        QCOMPARE(wizard.result(), int(QDialog::Accepted));
        QVERIFY(QFile::exists(out + "/aspects.txt"));
        QList<QStringList> commands = wizard.commands();
        QCOMPARE(commands.size(), 2);
        QCOMPARE(commands[0].value(0), QString("aspects"));
        QVERIFY(commands[0].contains("--aspects") && commands[0].contains(out + "/aspects.txt"));
        QCOMPARE(commands[1].value(commands[1].indexOf("--epochs") + 1), QString("2"));
        QVERIFY(!commands[1].contains("--clip-model"));
        // The CLIP tower student reads the teacher's folder, which random weights do not have.
        auto *architecture = wizard.findChild<QComboBox *>("architecture");
        architecture->setCurrentIndex(architecture->findData("clip"));
        QCOMPARE(wizard.commands()[1].value(wizard.commands()[1].indexOf("--clip-model") + 1), QDir::cleanPath(model));
        QVERIFY(wizard.findChild<QLabel *>("review")->text().contains("--clip-model"));
        if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty())
            wizard.grab().save(pictures + "/tile-classifier-student.png");
        QVERIFY(wizard.problem(TileClassifierWizard::StudentPageId).isEmpty());
        wizard.setTeacher("random:tiny");
        QVERIFY(wizard.problem(TileClassifierWizard::StudentPageId).contains("random weights"));
        wizard.setTeacher(model);
        architecture->setCurrentIndex(architecture->findData("resnet10"));
        // The tiny teacher's own input size, and small enough a student for a test.
        commands[0] << "--image-size" << "24" << "--device" << "cpu" << "--store-size" << "32";
        commands[1] << "--architecture" << "resnet10" << "--width" << "8" << "--batch" << "2" << "--validation" << "0.4"
                    << "--class-target" << "teacher";

        TileClassifierRunWindow run;
        run.setCliPath(QStringLiteral(GEOLENS_CLI_PATH));
        QSignalSpy finished(&run, &TileClassifierRunWindow::finished);
        QSignalSpy label(&run, &TileClassifierRunWindow::labelTilesRequested);
        QVERIFY(run.start(commands, wizard.targetsFolder(), wizard.runFolder()));
        run.show();
        QVERIFY(run.isRunning());
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(run.log()));
        QVERIFY2(run.log().contains("judged 6 tiles"), qPrintable(run.log()));
        QVERIFY(run.log().contains("epoch 2:"));
        QVERIFY(QFile::exists(wizard.classifierFolder() + "/classifier.json"));
        QTRY_VERIFY(run.lossPlot()->seriesNames().contains("loss"));
        auto *labelButton = run.findChild<QPushButton *>("labelTiles");
        QVERIFY(labelButton && labelButton->isEnabled());
        if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty())
            run.grab().save(pictures + "/tile-classifier-run.png");
        labelButton->click();
        QCOMPARE(label.count(), 1);
        QCOMPARE(label.first().first().toString(), wizard.classifierFolder());
        // Running again finds everything done and says so.
        finished.clear();
        QVERIFY(run.start(commands, wizard.targetsFolder(), wizard.runFolder()));
        QVERIFY(finished.wait(120000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(run.log()));
        QVERIFY2(run.log().contains("6 done before"), qPrintable(run.log()));
    }

    // A download that stopped half way, and a checkpoint without its vision tower: the dialog says
    // what is missing and how to go on, and does not load.
    void modelLoadDialogExplainsUnfinishedDownloads()
    {
        if (!QFile::exists(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model"))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const QString folder = dir_.filePath("half-downloaded");
        test::writeTinyModel(folder.toStdString(), test::TinyModelSpec{}, test::TinyLayout::GeoChatBin,
                             GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        QFile::resize(folder + "/pytorch_model-00002-of-00002.bin", 1000);
        ModelLoadDialog dialog;
        dialog.setFolder(folder);
        QVERIFY(!dialog.canLoad());
        QVERIFY2(dialog.note().contains("not a complete model folder") &&
                     dialog.note().contains("pytorch_model-00002-of-00002.bin") && dialog.note().contains("hf download"),
                 qPrintable(dialog.note()));
        if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty())
            dialog.grab().save(pictures + "/model-load-incomplete.png");

        // Without vision weights: the Vision tower field is asked for, and named.
        const QString split = dir_.filePath("no-tower");
        test::writeTinyModel(split.toStdString(), test::TinyModelSpec{}, test::TinyLayout::LlavaHf,
                             GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        QFile index(split + "/model.safetensors.index.json");
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write(R"({"weight_map": {"language_model.lm_head.weight": "model.safetensors"}})");
        index.close();
        dialog.setFolder(split);
        QVERIFY(!dialog.canLoad());
        QVERIFY2(dialog.note().contains("Vision tower") && dialog.note().contains("clip-vit-large-patch14-336"),
                 qPrintable(dialog.note()));
        QVERIFY(dialog.findChild<QLineEdit *>("visionTower"));
    }

    void modelLoadDialogChecksTheContextAndRemembersTheSize()
    {
        if (!QFile::exists(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model"))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        const QString folder = dir_.filePath("context-512");
        test::writeTinyModel(folder.toStdString(), test::TinyModelSpec{}, test::TinyLayout::GeoChat,
                             GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        {
            ModelLoadDialog dialog;
            dialog.setFolder(folder);
            QVERIFY(!dialog.imageSize()); // the model's own: 504 px, 15876 tokens of 4 px patches
            QVERIFY(!dialog.canLoad());
            QVERIFY2(dialog.note().contains("15876") && dialog.note().contains("at most 84 px"),
                     qPrintable(dialog.note()));
            auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
            QVERIFY(!ok->isEnabled());
            if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty())
                dialog.grab().save(pictures + "/model-load-refused.png");
            dialog.setImageSize(84);
            QVERIFY2(dialog.canLoad(), qPrintable(dialog.note()));
            QVERIFY(ok->isEnabled());
            QVERIFY(dialog.note().contains("441"));
            // Weights: automatic by default; int8 chosen here, and remembered below.
            QCOMPARE(dialog.weightType(), WeightType::Auto);
            QCOMPARE(dialog.quantization(), WeightQuantization::None);
            dialog.setWeights(WeightType::F32, WeightQuantization::Int8);
            QCOMPARE(dialog.quantization(), WeightQuantization::Int8);
            QCOMPARE(dialog.weightType(), WeightType::BF16); // int8 projections, the rest in bf16
            if (const QString pictures = qEnvironmentVariable("GEOLENS_TEST_PICTURES"); !pictures.isEmpty())
                dialog.grab().save(pictures + "/model-load-int8.png");
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        QCOMPARE(ModelLoadDialog::rememberedImageSize(folder), std::optional<int>(84));
        ModelLoadDialog again;
        QCOMPARE(again.folder(), folder);
        QCOMPARE(again.imageSize(), std::optional<int>(84));
        QCOMPARE(again.quantization(), WeightQuantization::Int8);
        again.setWeights(WeightType::BF16, WeightQuantization::None);
        QCOMPARE(again.weightType(), WeightType::BF16);
        QCOMPARE(again.quantization(), WeightQuantization::None);
        again.setFolder(dir_.filePath("no-such-model"));
        QVERIFY(!again.canLoad());
        QVERIFY(again.note().contains("does not exist"));
    }

    // Windows open within the screen (a 1366 x 768 laptop sees the whole main window) and at the
    // size they were left at.
    void windowsFitTheScreenAndRememberTheirSize()
    {
        QCOMPARE(WindowGeometry::fitted(QSize(1280, 800), QRect(0, 0, 1366, 768)), QSize(1229, 691));
        QCOMPARE(WindowGeometry::fitted(QSize(900, 600), QRect(0, 0, 1920, 1080)), QSize(900, 600));
        const QRect available = window_->screen()->availableGeometry();
        QSettings().remove(QStringLiteral("window/geometry"));
        {
            MainWindow fresh(languages_.get());
            QCOMPARE(fresh.size(), WindowGeometry::fitted(QSize(1280, 800), available));
        }

        QSettings().remove(QStringLiteral("distillWizard/geometry"));
        {
            DistillWizard wizard;
            QVERIFY(wizard.width() <= available.width() && wizard.height() <= available.height());
            QCOMPARE(wizard.size(), WindowGeometry::fitted(QSize(980, 760), available));
            wizard.show();
            QVERIFY(QTest::qWaitForWindowExposed(&wizard));
            wizard.resize(620, 470);
            wizard.hide();
        }
        DistillWizard again;
        QCOMPARE(again.size(), QSize(620, 470));
    }

    void labelDialogRemembersItsChoices()
    {
        QSettings().remove(QLatin1String(SceneLabelDialog::SettingsGroup));
        const auto combos = [](SceneLabelDialog &dialog) { return dialog.findChildren<QComboBox *>(); };
        {
            SceneLabelDialog dialog;
            QVERIFY(!dialog.scoreMode());
            const QList<QComboBox *> boxes = combos(dialog); // preset, mode, tiles
            QCOMPARE(boxes.size(), 3);
            boxes[1]->setCurrentIndex(1);
            boxes[2]->setCurrentIndex(2);
            dialog.findChild<QPlainTextEdit *>()->setPlainText("harbour\nforest");
            QVERIFY(dialog.scoreMode());
            dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok)->click();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        {
            SceneLabelDialog dialog;
            QVERIFY(dialog.scoreMode());
            QCOMPARE(dialog.tileChoice(), SceneLabelDialog::TileChoice::InView);
            QCOMPARE(dialog.classes(), (std::vector<std::string>{"harbour", "forest"}));
            combos(dialog)[1]->setCurrentIndex(0);
            dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Cancel)->click();
        }
        SceneLabelDialog again;
        QVERIFY(again.scoreMode());
        QSettings().remove(QLatin1String(SceneLabelDialog::SettingsGroup));
    }

    void chatsAboutTilesAndDescribesRegions()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        test::TinyModelSpec longContext;
        longContext.maxPositions = 4096; // room for a multi-turn conversation of rambling answers
        QVERIFY(loadTinyModel("chat-model", longContext));
        QVERIFY(openThreeTileRaster("chat.tif"));

        QSignalSpy answered(window_.get(), &MainWindow::chatAnswered);
        window_->tileGrid()->setSelectedTiles({0});
        window_->askChat("What is in this image?");
        QVERIFY(answered.wait(60000));
        QCOMPARE(window_->chatTurns(), std::size_t(1));
        const QString transcript = window_->chatPanel()->transcript();
        QVERIFY2(transcript.contains("What is in this image?"), qPrintable(transcript));
        QVERIFY(transcript.contains(answered.first().first().toString().left(10)));
        window_->askChat("And the colours?");
        QVERIFY(answered.wait(60000));
        QCOMPARE(window_->chatTurns(), std::size_t(2)); // the same tile: the conversation goes on
        window_->tileGrid()->setSelectedTiles({1, 2});
        window_->askChat("Describe the view.");
        QVERIFY(answered.wait(60000));
        QCOMPARE(window_->chatTurns(), std::size_t(1)); // another subject: a new conversation

        // Shift+drag outlines a region; its caption is drawn on the map.
        QSignalSpy outlined(window_->canvas(), &MapCanvas::regionSelected);
        const QPoint from = window_->canvas()->rasterToWidget(QPointF(100, 100)).toPoint();
        const QPoint to = window_->canvas()->rasterToWidget(QPointF(300, 250)).toPoint();
        QSignalSpy finished(window_.get(), &MainWindow::analysisFinished);
        QTest::mousePress(window_->canvas(), Qt::LeftButton, Qt::ShiftModifier, from);
        QTest::mouseMove(window_->canvas(), (from + to) / 2);
        QTest::mouseMove(window_->canvas(), to);
        // Turned by one wheel notch while dragging: the caption's box keeps the angle.
        QWheelEvent turn(to, window_->canvas()->mapToGlobal(to), QPoint(), QPoint(0, 120), Qt::LeftButton,
                         Qt::ShiftModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(window_->canvas(), &turn);
        const std::size_t boxesBefore = window_->analysisLayer()->boxes().size();
        QTest::mouseRelease(window_->canvas(), Qt::LeftButton, Qt::ShiftModifier, to);
        QCOMPARE(outlined.count(), 1);
        const QRectF region = outlined.first().first().toRectF();
        QVERIFY(std::abs(region.left() - 100) < 3 && std::abs(region.bottom() - 250) < 3);
        QCOMPARE(outlined.first().at(1).toDouble(), 15.0);
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(window_->analysisLayer()->boxes().size(), boxesBefore + 1);
        QCOMPARE(window_->analysisLayer()->boxes().back().box.angleDegrees, 15.0);
        QCOMPARE(window_->results().back().task, std::string("caption"));
        QCOMPARE(window_->results().back().angle, 15.0);

        // Closing the raster ends the conversation and empties the results and the map.
        window_->closeRaster();
        QCOMPARE(window_->chatTurns(), std::size_t(0));
        QVERIFY(window_->results().empty());
        QVERIFY(window_->analysisLayer()->boxes().empty());
        QCOMPARE(window_->resultsPanel()->count(), 0);
    }

    void comparesTeacherAndStudentOnTheSelectedTiles()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        // The loaded model is the student; the teacher puts its box one grid unit further left.
        test::TinyModelSpec student;
        student.scriptedAnswer = "a plane {<<13><34>> <57 ><78>|<9>}";
        QVERIFY(loadTinyModel("compare-student", student));
        test::TinyModelSpec teacher;
        teacher.scriptedAnswer = "a plane {<<12><34>> <56 ><78>|<9>}";
        teacher.layers = 3;
        const QString teacherFolder = dir_.filePath("compare-teacher");
        test::writeTinyModel(teacherFolder.toStdString(), teacher, test::TinyLayout::GeoChat, tokenizer.toStdString());
        RasterSpec spec;
        spec.width = 1100;
        spec.height = 600;
        spec.bands = 3;
        QVERIFY(open(write("compare.tif", spec)));
        window_->tileGrid()->setSelectedTiles({0, 2});

        QSignalSpy finished(window_.get(), &MainWindow::analysisFinished);
        QVERIFY(window_->startModelComparison(teacherFolder, QString(), ComparisonTask::Kind::Refer, "planes"));
        ModelComparisonDialog *dialog = window_->modelComparison();
        QVERIFY(dialog && dialog->isVisible());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.first().first().toBool(), true);
        QCOMPARE(dialog->report()->tiles.size(), std::size_t(2));
        QCOMPARE(QDir::cleanPath(QString::fromStdString(dialog->report()->student.folder)),
                 QDir::cleanPath(dir_.filePath("compare-student")));
        QCOMPARE(dialog->report()->boxF1(), 1.0);
        // The student's boxes are on the map (13 grid units from the left, not 12), the teacher's
        // at a click, and the results list is left alone.
        QCOMPARE(window_->analysisLayer()->boxes().size(), std::size_t(2));
        const auto leftmost = [&] {
            double x = 1e9;
            for (const MapBox &b : window_->analysisLayer()->boxes())
                x = std::min(x, b.box.cx - b.box.width / 2);
            return x;
        };
        QVERIFY(std::abs(leftmost() - 13 * 5.04) < 1e-6);
        dialog->setMapShows(ModelComparisonDialog::MapShows::Teacher);
        QVERIFY(std::abs(leftmost() - 12 * 5.04) < 1e-6);
        QVERIFY(window_->results().empty());

        // The window follows the selection while it is open.
        window_->tileGrid()->setSelectedTiles({1});
        QVERIFY(dialog->findChild<QLabel *>() != nullptr);
        QVERIFY(dialog->start());
        QVERIFY(finished.wait(60000));
        QCOMPARE(dialog->report()->tiles.size(), std::size_t(1));
        QCOMPARE(dialog->report()->tiles.front().tileId, 1);
        dialog->close();
    }

    void distillationMenuOpensRunsInTheMonitor()
    {
        QMenu *menu = nullptr;
        for (QAction *a : window_->menuBar()->actions())
            if (a->text() == "&Distillation")
                menu = a->menu();
        QVERIFY(menu);
        // new, new tile classifier, open, a separator, compare, a separator, evaluate, open an
        // evaluation report
        QCOMPARE(menu->actions().size(), 8);
        QCOMPARE(menu->actions().first()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D));
        QVERIFY(menu->actions().at(1)->text().contains("Tile Classifier"));
        QVERIFY(!menu->actions().at(1)->toolTip().isEmpty());
        QCOMPARE(menu->actions().at(4)->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));
        QAction *evaluate = menu->actions().at(6);
        QCOMPARE(evaluate->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E));
        QVERIFY(!evaluate->toolTip().isEmpty());
        QVERIFY(!menu->actions().at(7)->toolTip().isEmpty());
        // No other action of the window takes the evaluation's shortcut.
        for (QAction *a : window_->findChildren<QAction *>())
            if (a != evaluate)
                QVERIFY2(a->shortcut() != evaluate->shortcut(), qPrintable(a->text()));

        // A folder without a run is refused with a message naming it; nothing starts.
        const QString empty = dir_.filePath("no-run");
        QDir().mkpath(empty);
        window_->openDistillationRun(empty);
        QVERIFY(window_->distillRunMonitor());
        QVERIFY(!window_->distillRunMonitor()->isVisible());
        QVERIFY(!window_->distillRunMonitor()->isRunning());
        auto *refusal = window_->findChild<QMessageBox *>(QStringLiteral("ErrorMessage"));
        QVERIFY(refusal);
        QVERIFY2(refusal->informativeText().contains("no-run") &&
                     refusal->informativeText().contains("not a distillation run folder"),
                 qPrintable(refusal->informativeText()));
        refusal->close();
        QCoreApplication::processEvents();

        // A run's folder opens in the monitor.
        QFile runFile(empty + "/run.json");
        QVERIFY(runFile.open(QIODevice::WriteOnly));
        runFile.close();
        window_->openDistillationRun(empty);
        QVERIFY(window_->distillRunMonitor()->isVisible());
        QCOMPARE(window_->distillRunMonitor()->status(), DistillRunMonitor::Status::NotRunning);

        // The monitor's request opens the evaluation with the student first, then the teacher.
        DistillationWindows *windows = window_->distillationWindows();
        emit window_->distillRunMonitor()->evaluateModelsRequested("/models/teacher", "/runs/a/student");
        QVERIFY(windows->evaluateDialog());
        QVERIFY(windows->evaluateDialog()->isVisible());
        QCOMPARE(windows->evaluateDialog()->models(), (QStringList{"/runs/a/student", "/models/teacher"}));
        windows->evaluateDialog()->close();
        evaluate->trigger();
        QVERIFY(windows->evaluateDialog()->isVisible());
        QCOMPARE(windows->evaluateDialog()->models(), (QStringList{"/runs/a/student", "/models/teacher"}));
        windows->evaluateDialog()->close();
        window_->distillRunMonitor()->close();

        // A report folder opens in a window of its own, once.
        const QString report = writeEvaluationReport("evaluation-report");
        QVERIFY(!report.isEmpty());
        EvaluationReportWindow *reportWindow = windows->openEvaluationReport(report);
        QVERIFY(reportWindow->isVisible());
        QCOMPARE(reportWindow->view()->data().models(), (QStringList{"student", "teacher"}));
        QVERIFY(reportWindow->windowTitle().contains("evaluation-report"));
        QCOMPARE(windows->openEvaluationReport(report + "/"), reportWindow);
        reportWindow->close();
    }

    void switchesLanguageAtRunTime()
    {
        const QString english = window_->menuBar()->actions().first()->text();
        QCOMPARE(english, QString("&File"));
        QCOMPARE(languages_->apply("zh_CN"), QString("zh_CN"));
        QCoreApplication::processEvents();
        QCOMPARE(window_->menuBar()->actions().first()->text(), QString::fromUtf8("文件(&F)"));
        QCOMPARE(window_->displayPanel()->gridCheck()->text(), QString::fromUtf8("显示瓦片网格"));
        // Nothing on screen stays English, the chat's hint included.
        QStringList leftOver;
        for (const QString &text : visibleTexts(window_.get()))
            if (looksEnglish(text))
                leftOver << text;
        QVERIFY2(leftOver.isEmpty(), qPrintable(leftOver.join("\n")));
        QCOMPARE(QSettings().value("ui/language").toString(), QString("zh_CN"));
        languages_->apply("en");
        QCoreApplication::processEvents();
        QCOMPARE(window_->menuBar()->actions().first()->text(), QString("&File"));
        // A language without a translation falls back to English, plural forms included.
        QCOMPARE(languages_->apply("fr"), QString("en"));
        QCoreApplication::processEvents();
        QStringList labels;
        for (QLabel *label : window_->displayPanel()->findChildren<QLabel *>())
            labels << label->text();
        QVERIFY2(labels.contains("Selected: 0 tiles"), qPrintable(labels.join(" | ")));
        languages_->apply("en");
    }

    // With a raster, a model, a chat about tile #2, scene labels and a run in the monitor on
    // screen, switching to Chinese leaves no English text in any visible window.
    void liveLanguageSwitchLeavesNoEnglish()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QVERIFY(loadTinyModel("language-model", test::TinyModelSpec{}));
        QVERIFY(openThreeTileRaster("language.tif"));
        QSignalSpy answered(window_.get(), &MainWindow::chatAnswered);
        window_->tileGrid()->setSelectedTiles({2});
        window_->askChat("What is in this image?");
        QVERIFY(answered.wait(60000));
        window_->tileGrid()->setSelectedTiles({0, 1});
        SceneLabelOptions labelOptions;
        labelOptions.classes = {"airport", "forest"};
        labelOptions.mode = SceneLabelOptions::Mode::Score;
        QSignalSpy finished(window_.get(), &MainWindow::analysisFinished);
        window_->startSceneLabels(labelOptions);
        QVERIFY(finished.wait(60000));
        const QString run = dir_.filePath("language-run");
        QDir().mkpath(run);
        QFile runFile(run + "/run.json");
        QVERIFY(runFile.open(QIODevice::WriteOnly));
        runFile.close();
        window_->openDistillationRun(run);
        QVERIFY(window_->distillRunMonitor()->isVisible());
        // And the other windows that stay open beside the map: evaluation, its report, comparison.
        DistillationWindows *windows = window_->distillationWindows();
        emit window_->distillRunMonitor()->evaluateModelsRequested("/models/teacher", run + "/student");
        QVERIFY(windows->evaluateDialog()->isVisible());
        const QString report = writeEvaluationReport("language-report");
        QVERIFY(!report.isEmpty());
        EvaluationReportWindow *reportWindow = windows->openEvaluationReport(report);
        QVERIFY(reportWindow->isVisible());
        windows->showComparison("/models/teacher", run + "/student");
        QCoreApplication::processEvents();

        QCOMPARE(languages_->apply("zh_CN"), QString("zh_CN"));
        QCoreApplication::processEvents();
        QStringList english;
        for (QWidget *top : QApplication::topLevelWidgets()) {
            if (!top->isVisible())
                continue;
            for (const QString &text : visibleTexts(top))
                if (looksEnglish(text))
                    english << QStringLiteral("%1: %2").arg(top->metaObject()->className(), text);
        }
        english.removeDuplicates();
        const QString transcript = window_->chatPanel()->transcript();
        languages_->apply("en");
        for (QWidget *top : QApplication::topLevelWidgets())
            if (top != window_.get())
                top->close();
        QVERIFY2(english.isEmpty(), qPrintable(english.join("\n")));
        QVERIFY2(!transcript.contains("You:") && !transcript.contains("GeoLens:"), qPrintable(transcript));
    }

    void chineseTranslationIsComplete()
    {
        QFile ts(QStringLiteral(GEOLENS_SOURCE_DIR "/translations/geolens_zh_CN.ts"));
        QVERIFY(ts.open(QIODevice::ReadOnly));
        QXmlStreamReader xml(&ts);
        int messages = 0;
        QStringList unfinished;
        QString source;
        while (!xml.atEnd()) {
            xml.readNext();
            if (!xml.isStartElement())
                continue;
            if (xml.name() == QLatin1String("source")) {
                source = xml.readElementText();
            } else if (xml.name() == QLatin1String("translation")) {
                ++messages;
                const bool open = xml.attributes().value("type") == QLatin1String("unfinished") ||
                                  xml.attributes().value("type") == QLatin1String("vanished");
                const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
                if (open || text.trimmed().isEmpty())
                    unfinished << source;
            }
        }
        QVERIFY(!xml.hasError());
        QVERIFY(messages > 80);
        QVERIFY2(unfinished.isEmpty(), qPrintable(unfinished.join(" | ")));
    }
};

QTEST_MAIN(MainWindowTest)
#include "tst_mainwindow.moc"
