#include "TestRasters.h"
#include "TinyModel.h"
#include "analysis/ChatSession.h"
#include "geometry/TileGrid.h"
#include "raster/RasterDataset.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using geolens::BoxResult;
using geolens::ChatPicture;
using geolens::ChatSession;
using geolens::ChatTurn;
using geolens::GenerationRequest;
using geolens::PixelRect;
using geolens::RotatedBox;
using geolens::TileFrame;

namespace {

// A stand-in for the model's token count: 100 for the image, then one token per character.
int countCharacters(const GenerationRequest &request)
{
    int n = 100 + static_cast<int>(request.question.size());
    for (const ChatTurn &turn : request.history)
        n += static_cast<int>(turn.user.size() + turn.assistant.size());
    return n;
}

bool near(double a, double b)
{
    return std::abs(a - b) < 1e-9;
}

} // namespace

class ChatSessionTest : public QObject {
    Q_OBJECT

private slots:
    void aNewSubjectStartsANewConversation()
    {
        ChatSession chat;
        QVERIFY(!chat.subject());
        QVERIFY(chat.setSubject(3));
        chat.addTurn("What is it?", "A field.");
        QVERIFY(!chat.setSubject(3)); // the same tile: the conversation goes on
        QCOMPARE(chat.turns(), std::size_t(1));
        QVERIFY(chat.setSubject(ChatSession::ViewSubject));
        QCOMPARE(chat.turns(), std::size_t(0));
        QCOMPARE(*chat.subject(), ChatSession::ViewSubject);
        chat.addTurn("And now?", "A town.");
        chat.clear();
        QVERIFY(!chat.subject());
        QCOMPARE(chat.turns(), std::size_t(0));
        QVERIFY(chat.setSubject(ChatSession::ViewSubject)); // after clear() even the same subject is new
    }

    void aShortConversationKeepsEveryTurn()
    {
        ChatSession chat;
        chat.setSubject(0);
        chat.addTurn("ab", "cd");
        const GenerationRequest request = chat.nextRequest("xyz", 1000, countCharacters);
        QCOMPARE(request.question, std::string("xyz"));
        QCOMPARE(request.history.size(), std::size_t(1));
        QCOMPARE(request.history.front().assistant, std::string("cd"));
        // The prompt takes 100 + 3 + 4 = 107 tokens; the answer gets at most 512.
        QCOMPARE(request.maxNewTokens, 512);
        QCOMPARE(chat.turns(), std::size_t(1));
    }

    void aLongConversationForgetsItsOldestTurns()
    {
        ChatSession chat;
        chat.setSubject(0);
        chat.addTurn(std::string(40, 'a'), std::string(40, 'A')); // 80 tokens
        chat.addTurn(std::string(30, 'b'), std::string(30, 'B')); // 60
        chat.addTurn(std::string(10, 'c'), std::string(10, 'C')); // 20
        // 100 (image) + 10 (question) + 160 = 270; with 64 kept free for the answer a context of
        // 250 must lose the first two turns (270 - 80 = 190 + 64 > 250; 190 - 60 = 130 + 64 <= 250).
        const GenerationRequest request = chat.nextRequest(std::string(10, 'q'), 250, countCharacters);
        QCOMPARE(request.history.size(), std::size_t(1));
        QCOMPARE(request.history.front().user, std::string(10, 'c'));
        QCOMPARE(request.maxNewTokens, 250 - 130 - 1);
        // The session forgets them too.
        QCOMPARE(chat.turns(), std::size_t(1));
        QCOMPARE(chat.history().front().assistant, std::string(10, 'C'));
        chat.addTurn(std::string(10, 'q'), "ok");
        QCOMPARE(chat.turns(), std::size_t(2));
    }

    void theAnswerGetsAtLeastOneToken()
    {
        ChatSession chat;
        chat.setSubject(0);
        chat.addTurn("old", "turn");
        // Even the question alone does not leave room: every turn goes, and the answer gets one token.
        const GenerationRequest request = chat.nextRequest(std::string(300, 'q'), 256, countCharacters);
        QVERIFY(request.history.empty());
        QCOMPARE(chat.turns(), std::size_t(0));
        QCOMPARE(request.maxNewTokens, 1);
    }

    void trimsToTheModelsContext()
    {
        const QString tokenizer = QStringLiteral(GEOLENS_SOURCE_DIR "/data/llama-tokenizer.model");
        if (!QFile::exists(tokenizer))
            QSKIP("the LLaMA tokenizer model is not available (scripts/fetch-llama-tokenizer.sh)");
        QTemporaryDir dir;
        geolens::test::TinyModelSpec spec; // 512 positions
        geolens::test::writeTinyModel(dir.filePath("model").toStdString(), spec, geolens::test::TinyLayout::GeoChat,
                                      tokenizer.toStdString());
        geolens::ModelLoadOptions options;
        options.device = geolens::ComputeDevice::Cpu;
        options.imageSize = 24;
        const auto model = geolens::GeoChatModel::load(dir.filePath("model").toStdString(), options);
        const int context = model->config().text.maxPositions;
        const int imageTokens = model->config().imageTokens();
        auto length = [&](const GenerationRequest &r) {
            return static_cast<int>(model->promptTokens(r).size()) - 1 + imageTokens;
        };

        ChatSession chat;
        chat.setSubject(0);
        for (int i = 0; i < 12; ++i)
            chat.addTurn("Question number " + std::to_string(i) + " about the fields and the river?",
                         "The fields lie along the river, and the river bends twice near the bridge " +
                             std::to_string(i) + ".");
        GenerationRequest all;
        all.question = "Which way does the river flow?";
        all.history = chat.history();
        QVERIFY2(length(all) + ChatSession::MinAnswerTokens > context, "the conversation must not fit");

        const GenerationRequest request = chat.nextRequest(all.question, *model);
        QVERIFY(!request.history.empty());
        QVERIFY(request.history.size() < all.history.size());
        // What is kept is the newest turns, and one turn more would not fit.
        QCOMPARE(request.history.back().user, all.history.back().user);
        QVERIFY(length(request) + ChatSession::MinAnswerTokens <= context);
        GenerationRequest oneMore = request;
        oneMore.history.insert(oneMore.history.begin(), all.history[all.history.size() - request.history.size() - 1]);
        QVERIFY(length(oneMore) + ChatSession::MinAnswerTokens > context);
        QCOMPARE(request.maxNewTokens, std::min(ChatSession::MaxAnswerTokens, context - length(request) - 1));
        QCOMPARE(chat.turns(), request.history.size());
    }

    void answerBoxesArePlacedThroughTheFrame()
    {
        ChatSession chat;
        chat.setSubject(7);
        const TileFrame frame(100, 200, 504); // 5.04 px per grid unit
        const std::string answer = "<p>a plane</p> {<10><20><30><40>|<15>} and something {<0><0><50><50>}";
        const PixelRect shown{100, 200, 504, 504};
        std::vector<std::string> issues;
        const std::vector<BoxResult> boxes = chat.answerBoxes("Where?", answer, frame, shown, issues);
        QVERIFY(issues.empty());
        QCOMPARE(boxes.size(), std::size_t(2));
        QCOMPARE(boxes[0].label, std::string("a plane"));
        QCOMPARE(boxes[0].tileId, 7);
        QCOMPARE(boxes[0].prompt, std::string("Where?"));
        QCOMPARE(boxes[0].answer, answer);
        const RotatedBox &plane = boxes[0].pixelBox;
        QVERIFY(near(plane.cx, 100 + 20 * 5.04) && near(plane.cy, 200 + 30 * 5.04));
        QVERIFY(near(plane.width, 20 * 5.04) && near(plane.height, 20 * 5.04));
        QCOMPARE(plane.angleDegrees, 15.0);
        // A box without a phrase of its own is the chat's.
        QCOMPARE(boxes[1].label, std::string("chat"));
        QVERIFY(near(boxes[1].pixelBox.cx, 100 + 25 * 5.04));

        chat.setSubject(ChatSession::ViewSubject);
        QCOMPARE(chat.answerBoxes("Where?", answer, frame, shown, issues).front().tileId, -1);
        QVERIFY(chat.answerBoxes("Where?", "Nothing to see.", frame, shown, issues).empty());
    }

    // A view wider than tall is padded to a square: the model may draw in the padding, where there
    // is no raster. A box reaching into it is clipped to the raster, one wholly in it dropped.
    void answerBoxesStayOnTheRaster()
    {
        QTemporaryDir dir;
        geolens::test::RasterSpec spec;
        spec.width = 400;
        spec.height = 1000;
        spec.bands = 3;
        const auto raster = geolens::RasterDataset::open(geolens::test::writeRaster(dir.filePath("r.tif").toStdString(), spec));
        geolens::DisplaySettings display = geolens::DisplaySettings::defaultsFor(raster->metadata());
        for (int band = 1; band <= 3; ++band)
            display.stretches[band] = geolens::BandStretch{0.0, 255.0};
        // The whole raster in view: a 1000 px square frame from x = -300, so grid 30..70 is raster.
        const ChatPicture view = ChatSession::viewPicture(*raster, display, PixelRect{0, 0, 400, 1000});
        QCOMPARE(view.frame.originX(), -300.0);
        QCOMPARE(view.shown.width, 400);

        ChatSession chat;
        chat.setSubject(ChatSession::ViewSubject);
        const std::string answer = "<p>a ship</p> {<20><10><40><20>} <p>a cloud</p> {<5><50><25><60>} "
                                   "<p>a field</p> {<35><40><65><50>}";
        std::vector<std::string> issues;
        const std::vector<BoxResult> boxes = chat.answerBoxes("Where?", answer, view.frame, view.shown, issues);
        QCOMPARE(boxes.size(), std::size_t(2));
        QCOMPARE(issues.size(), std::size_t(2));
        QVERIFY(issues[0].find("clipped") != std::string::npos);
        QVERIFY(issues[1].find("dropped") != std::string::npos);
        // The ship (x -100..100 px) keeps its part on the raster: x 0..100.
        QCOMPARE(boxes[0].label, std::string("a ship"));
        QVERIFY(near(boxes[0].pixelBox.cx, 50) && near(boxes[0].pixelBox.width, 100));
        QVERIFY(near(boxes[0].pixelBox.cy, 150) && near(boxes[0].pixelBox.height, 100));
        // The field lies on the raster and is kept as drawn.
        QCOMPARE(boxes[1].label, std::string("a field"));
        QVERIFY(near(boxes[1].pixelBox.cx, 200) && near(boxes[1].pixelBox.width, 300));
        for (const BoxResult &box : boxes)
            for (const geolens::Point2 &corner : box.pixelBox.corners())
                QVERIFY(corner.x >= -1e-9 && corner.x <= 400 + 1e-9 && corner.y >= -1e-9 && corner.y <= 1000 + 1e-9);
    }

    void picturesOfTheViewAndOfATile()
    {
        QTemporaryDir dir;
        geolens::test::RasterSpec spec;
        spec.width = 3000;
        spec.height = 1200;
        spec.bands = 3;
        const auto raster = geolens::RasterDataset::open(geolens::test::writeRaster(dir.filePath("r.tif").toStdString(), spec));
        geolens::DisplaySettings display = geolens::DisplaySettings::defaultsFor(raster->metadata());
        for (int band = 1; band <= 3; ++band)
            display.stretches[band] = geolens::BandStretch{0.0, 255.0};

        // A wide view: centred in a square frame, read at no more than 1008 px.
        const ChatPicture wide = ChatSession::viewPicture(*raster, display, PixelRect{100, 300, 2000, 500});
        QCOMPARE(wide.image.width, 1008);
        QCOMPARE(wide.image.height, 252);
        QCOMPARE(wide.frame.side(), 2000.0);
        QCOMPARE(wide.frame.originX(), 100.0);
        QCOMPARE(wide.frame.originY(), 300.0 - 750.0);
        // A small view is read at full resolution.
        const ChatPicture small = ChatSession::viewPicture(*raster, display, PixelRect{10, 20, 300, 100});
        QCOMPARE(small.image.width, 300);
        QCOMPARE(small.image.height, 100);
        QCOMPARE(small.frame.originY(), 20.0 - 100.0);

        // The last tile of a row is cut by the raster's edge: its valid part, framed as the jobs frame it.
        const geolens::TileGrid grid(3000, 1200, geolens::TileGrid::DefaultTileSize, 0.0);
        const geolens::Tile edge = grid.tile(grid.columns() - 1);
        QVERIFY(edge.isPadded());
        const ChatPicture tile = ChatSession::tilePicture(*raster, display, edge);
        QCOMPARE(tile.image.width, edge.validWidth);
        QCOMPARE(tile.image.height, edge.validHeight);
        const TileFrame expected = TileFrame::validPart(edge);
        QCOMPARE(tile.frame.originX(), expected.originX());
        QCOMPARE(tile.frame.originY(), expected.originY());
        QCOMPARE(tile.frame.side(), expected.side());
    }
};

QTEST_GUILESS_MAIN(ChatSessionTest)
#include "tst_chat_session.moc"
