// geolens: the desktop workbench. Thin: application set-up, the command line, the main window.

#include "LanguageSwitcher.h"
#include "MainWindow.h"
#include "ModelComparisonDialog.h"
#include "MapCanvas.h"
#include "TileGridOverlay.h"
#include "analysis/ScenePresets.h"
#include "common/Error.h"
#include "geometry/RotatedBox.h"
#include "raster/GdalEnvironment.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QIcon>
#include <QScreen>
#include <QTimer>

#include <cstdio>
#include <deque>
#include <functional>

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("GeoLens"));
    QApplication::setOrganizationName(QStringLiteral("GeoLens"));
    QApplication::setApplicationVersion(QStringLiteral(GEOLENS_VERSION));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/geolens.svg")));
    geolens::initializeGdal();

    geolens::LanguageSwitcher languages;
    languages.applySaved();

    QCommandLineParser parser;
    parser.setApplicationDescription(QApplication::translate("main", "Remote-sensing vision-language workbench"));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(QStringLiteral("file"), QApplication::translate("main", "Raster to open"));
    const QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                        QApplication::translate("main", "Save a picture of the window once the raster is drawn, then quit"),
                                        QStringLiteral("png"));
    const QCommandLineOption language(QStringLiteral("language"),
                                      QApplication::translate("main", "Interface language (en, zh_CN)"),
                                      QStringLiteral("code"));
    const QCommandLineOption selectTiles(QStringLiteral("select-tiles"),
                                         QApplication::translate("main", "Tile ids to select, comma-separated"),
                                         QStringLiteral("ids"));
    const QCommandLineOption modelOption(QStringLiteral("model"), QApplication::translate("main", "Model folder to load"),
                                         QStringLiteral("folder"));
    const QCommandLineOption imageSizeOption(QStringLiteral("image-size"),
                                             QApplication::translate("main", "Model input size in pixels (default: the model's)"),
                                             QStringLiteral("pixels"));
    const QCommandLineOption labelOption(QStringLiteral("label-tiles"),
                                         QApplication::translate("main", "Label the tiles with a class preset (ucm, aid, nwpu) once the raster and model are loaded"),
                                         QStringLiteral("preset"));
    const QCommandLineOption askOption(QStringLiteral("ask"),
                                       QApplication::translate("main", "Ask the chat a question about the view once the raster and model are loaded"),
                                       QStringLiteral("question"));
    const QCommandLineOption findOption(QStringLiteral("find"),
                                        QApplication::translate("main", "Find the objects a query names in the selected tiles (or all)"),
                                        QStringLiteral("query"));
    const QCommandLineOption groundOption(QStringLiteral("describe-with-boxes"),
                                          QApplication::translate("main", "Describe the selected tiles (or all) with boxes"));
    const QCommandLineOption regionOption(QStringLiteral("describe-region"),
                                          QApplication::translate("main", "Describe a region given in raster pixels as x1,y1,x2,y2[,angle]"),
                                          QStringLiteral("box"));
    const QCommandLineOption exportOption(QStringLiteral("export-results"),
                                          QApplication::translate("main", "Write the results to a .gpkg, .geojson or .csv file once every task is done"),
                                          QStringLiteral("file"));
    const QCommandLineOption runOption(QStringLiteral("open-run"),
                                       QApplication::translate("main", "Show a distillation run folder in the run monitor"),
                                       QStringLiteral("folder"));
    const QCommandLineOption compareOption(QStringLiteral("compare-with"),
                                           QApplication::translate("main", "Compare the --model (the student) with this teacher folder on the selected tiles"),
                                           QStringLiteral("teacher"));
    const QCommandLineOption compareTaskOption(QStringLiteral("compare-task"),
                                               QApplication::translate("main", "What --compare-with asks: scene:CLASSES, refer:QUERY, grounding or question:TEXT"),
                                               QStringLiteral("task"), QStringLiteral("refer:airplanes"));
    parser.addOption(runOption);
    parser.addOption(compareOption);
    parser.addOption(compareTaskOption);
    parser.addOption(findOption);
    parser.addOption(groundOption);
    parser.addOption(regionOption);
    parser.addOption(exportOption);
    parser.addOption(askOption);
    parser.addOption(modelOption);
    parser.addOption(imageSizeOption);
    parser.addOption(labelOption);
    parser.addOption(screenshot);
    parser.addOption(language);
    parser.addOption(selectTiles);
    parser.process(app);
    if (parser.isSet(language))
        languages.apply(parser.value(language), false); // for this run only

    geolens::MainWindow window(&languages);
    window.resize(1280, 800);
    window.show();

    const QStringList files = parser.positionalArguments();
    // The tasks asked for on the command line run one after the other, in the order of the options
    // below, once both the raster and the model are ready; each starts when the one before ended.
    std::deque<std::function<void()>> steps;
    if (parser.isSet(askOption))
        steps.push_back([&] { window.askChat(parser.value(askOption)); });
    if (parser.isSet(labelOption))
        steps.push_back([&] {
            geolens::SceneLabelOptions options;
            options.classes = geolens::scenePreset(parser.value(labelOption).toStdString()).classes;
            options.mode = geolens::SceneLabelOptions::Mode::Score;
            window.startSceneLabels(options);
        });
    if (parser.isSet(findOption))
        steps.push_back([&] { window.startFindObjects(parser.value(findOption)); });
    if (parser.isSet(groundOption))
        steps.push_back([&] { window.startGrounding(); });
    if (parser.isSet(regionOption))
        steps.push_back([&] {
            geolens::RotatedBox region;
            try {
                region = geolens::RotatedBox::parse(parser.value(regionOption).toStdString());
            } catch (const geolens::InvalidArgument &e) {
                throw geolens::InvalidArgument(std::string("--describe-region: ") + e.what());
            }
            window.startRegionCaption(region);
        });
    if (parser.isSet(compareOption))
        steps.push_back([&] {
            const QString spec = parser.value(compareTaskOption);
            const QString kind = spec.section(QLatin1Char(':'), 0, 0);
            const QString text = spec.section(QLatin1Char(':'), 1);
            if (!window.startModelComparison(parser.value(compareOption), parser.value(modelOption),
                                             geolens::ComparisonTask::kindFromName(kind.toStdString()), text))
                throw geolens::InvalidArgument(window.modelComparison()->problem().toStdString());
        });
    const bool scripted = !steps.empty();
    if (parser.isSet(exportOption))
        steps.push_back([&] {
            const bool written = window.exportResults(parser.value(exportOption));
            // Writing is synchronous: report it as a finished task so that what follows goes on.
            emit window.analysisFinished(written, written ? QString() : QStringLiteral("no results were written"));
        });
    bool failed = false;
    auto nextStep = [&] {
        while (!steps.empty()) {
            const std::function<void()> step = std::move(steps.front());
            steps.pop_front();
            try {
                step();
                return;
            } catch (const std::exception &e) {
                std::fprintf(stderr, "geolens: %s\n", e.what());
                failed = true;
            }
        }
    };
    int ready = 0;
    const int needed = (files.isEmpty() ? 0 : 1) + (parser.isSet(modelOption) ? 1 : 0);
    auto startSteps = [&] {
        if (++ready == needed)
            nextStep();
    };
    // The selection comes first: the tasks work on it.
    QObject::connect(&window, &geolens::MainWindow::rasterOpened, &window, [&] {
        QList<int> ids;
        for (const QString &id : parser.value(selectTiles).split(QLatin1Char(','), Qt::SkipEmptyParts))
            ids << id.toInt();
        window.tileGrid()->setSelectedTiles(ids);
    });
    QObject::connect(&window, &geolens::MainWindow::rasterOpened, &window, startSteps);
    QObject::connect(&window, &geolens::MainWindow::modelLoaded, &window, startSteps);
    QObject::connect(&window, &geolens::MainWindow::analysisFinished, &window, [&](bool ok, const QString &message) {
        if (!ok) {
            failed = true;
            if (!message.isEmpty())
                std::fprintf(stderr, "geolens: %s\n", qPrintable(message));
        }
        QTimer::singleShot(0, &window, nextStep);
    });
    QObject::connect(&window, &geolens::MainWindow::chatAnswered, &window, [&] { QTimer::singleShot(0, &window, nextStep); });
    if (parser.isSet(runOption))
        window.openDistillationRun(parser.value(runOption));
    if (!files.isEmpty())
        window.openRaster(files.first());
    if (parser.isSet(modelOption)) {
        geolens::ModelLoadOptions options;
        if (parser.isSet(imageSizeOption))
            options.imageSize = parser.value(imageSizeOption).toInt();
        window.loadModel(parser.value(modelOption), options);
    }

    if (parser.isSet(screenshot)) {
        const QString out = parser.value(screenshot);
        auto save = [&window, &failed, out] {
            // On X11 the whole screen is grabbed, so dialogs in front of the window show too.
            QScreen *screen = window.screen();
            const QPixmap picture = QGuiApplication::platformName() == QLatin1String("xcb") && screen
                                        ? screen->grabWindow(0)
                                        : window.grab();
            const bool ok = picture.save(out);
            std::fprintf(stderr, ok ? "geolens: saved %s\n" : "geolens: cannot save %s\n", qPrintable(out));
            QApplication::exit(ok && !failed ? 0 : 1);
        };
        auto waitForTiles = [&window, save] {
            auto *poll = new QTimer(&window);
            QObject::connect(poll, &QTimer::timeout, &window, [&window, poll, save] {
                if (window.canvas()->pendingTileCount() == 0) {
                    poll->stop();
                    QTimer::singleShot(200, &window, save);
                }
            });
            poll->start(100);
        };
        QObject::connect(&window, &geolens::MainWindow::rasterOpened, &window, [&, waitForTiles] {
            if (!scripted)
                QTimer::singleShot(300, &window, waitForTiles);
        });
        // The picture is taken when the last task has ended.
        auto afterTask = [&, waitForTiles] {
            QTimer::singleShot(300, &window, [&, waitForTiles] {
                if (steps.empty())
                    waitForTiles();
            });
        };
        QObject::connect(&window, &geolens::MainWindow::analysisFinished, &window, afterTask);
        QObject::connect(&window, &geolens::MainWindow::chatAnswered, &window, afterTask);
        QObject::connect(&window, &geolens::MainWindow::modelLoadFailed, &window, [&window, save] {
            QTimer::singleShot(500, &window, save);
        });
        QObject::connect(&window, &geolens::MainWindow::openFailed, &window, [&window, save] {
            QTimer::singleShot(500, &window, save);
        });
        if (files.isEmpty())
            QTimer::singleShot(500, &window, save);
    }
    return app.exec();
}
