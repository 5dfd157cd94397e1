package io.relspec.cli.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.relspec.contracts.arrow.ArrowField;
import io.relspec.contracts.arrow.ArrowSchema;
import io.relspec.contracts.arrow.ArrowType;
import io.relspec.contracts.spec.DatasetContract;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileFormatsTest {
  private static final DatasetContract CONTRACT =
      new DatasetContract(
          new ArrowSchema(
              List.of(
                  new ArrowField("file_id", ArrowType.parse("utf8"), false, Map.of()),
                  new ArrowField("n", ArrowType.parse("int64"), false, Map.of()),
                  new ArrowField("note", ArrowType.parse("utf8"), true, Map.of()))),
          "file_id",
          null,
          Map.of());

  @TempDir Path dir;

  @Test
  void aCsvIsCastToTheContractAndSurvivesAParquetAndArrowRoundTrip() throws Exception {
    Path csv = dir.resolve("in.csv");
    Files.writeString(csv, "n,file_id\n1,f1\n2,f1\n30,f2\n");
    try (RootAllocator allocator = new RootAllocator()) {
      for (FileFormats.Format format :
          List.of(FileFormats.Format.PARQUET, FileFormats.Format.ARROW)) {
        Path out = dir.resolve("out." + format.name().toLowerCase());
        try (FileFormats.Reading reading =
            FileFormats.read(csv, FileFormats.Format.CSV, CONTRACT, allocator)) {
          assertThat(reading.reader().getVectorSchemaRoot().getSchema().getFields())
              .extracting(f -> f.getName() + ":" + f.getType())
              .containsExactly("file_id:Utf8", "n:Int(64, true)", "note:Utf8");
          assertThat(FileFormats.write(reading.reader(), format, out, allocator, Long.MAX_VALUE))
              .isEqualTo(3);
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try (FileFormats.Reading back = FileFormats.read(out, format, CONTRACT, allocator)) {
          FileFormats.writeCsv(back.reader(), text, Long.MAX_VALUE);
        }
        assertThat(text.toString(StandardCharsets.UTF_8))
            .as(format.name())
            .isEqualTo("file_id,n,note\nf1,1,\nf1,2,\nf2,30,\n");
      }
    }
  }

  @Test
  void columnsOutsideTheContractOrMissingRequiredOnesAreRefusedByName() throws Exception {
    Path extra = dir.resolve("extra.csv");
    Files.writeString(extra, "file_id,n,secret\nf1,1,x\n");
    Path missing = dir.resolve("missing.csv");
    Files.writeString(missing, "file_id\nf1\n");
    try (RootAllocator allocator = new RootAllocator()) {
      assertThatThrownBy(() -> FileFormats.read(extra, FileFormats.Format.CSV, CONTRACT, allocator))
          .hasMessageContaining("columns the contract does not: secret");
      assertThatThrownBy(
              () -> FileFormats.read(missing, FileFormats.Format.CSV, CONTRACT, allocator))
          .hasMessageContaining("has no column 'n', which the contract requires");
    }
    assertThatThrownBy(() -> FileFormats.Format.of(dir.resolve("data.json"), null))
        .hasMessageContaining("--format parquet|csv|arrow");
  }
}
